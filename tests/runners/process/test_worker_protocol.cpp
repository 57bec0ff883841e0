// The worker protocol on its own: messages, their checks, line framing over a real pipe.

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "runners/process/file_descriptors.hpp"
#include "runners/process/worker_protocol.hpp"

namespace concbench {
namespace {

std::string error_of(std::string_view line) {
  try {
    parse_worker_message(line);
  } catch (const protocol_error& e) {
    return e.what();
  }
  return "";
}

TEST(worker_protocol, round_trips_every_message) {
  const auto hello = std::get<hello_message>(parse_worker_message(encode(hello_message{protocol_version, 4242})));
  EXPECT_EQ(hello.pid, 4242);

  reply_message reply;
  reply.id = 7;
  reply.result = task_result{1000};
  reply.start_ns = 5;
  reply.end_ns = 9;
  const auto back = std::get<reply_message>(parse_worker_message(encode(reply)));
  EXPECT_EQ(back.id, 7u);
  ASSERT_TRUE(back.result);
  EXPECT_EQ(back.result->value, 1000);
  EXPECT_EQ(back.start_ns, 5);
  EXPECT_EQ(back.end_ns, 9);

  reply.result.reset();
  reply.error = "boom";
  EXPECT_EQ(std::get<reply_message>(parse_worker_message(encode(reply))).error, "boom");
  EXPECT_EQ(std::get<fatal_message>(parse_worker_message(encode(fatal_message{"why"}))).reason, "why");

  const auto setup =
      std::get<setup_message>(parse_parent_message(encode(setup_message{protocol_version, "cpu", {{"scale", 0.5}}})));
  EXPECT_EQ(setup.workload, "cpu");
  EXPECT_EQ(setup.params.at("scale"), 0.5);
  const auto task = std::get<task_message>(parse_parent_message(encode(task_message{3, {2, 99}})));
  EXPECT_EQ(task.id, 3u);
  EXPECT_EQ(task.task.index, 2u);
  EXPECT_EQ(task.task.size, 99);
}

TEST(worker_protocol, rejects_a_wrong_version_on_both_sides) {
  const auto hello = R"({"hello": "concbench-worker", "version": 2, "pid": 1})";
  EXPECT_NE(error_of(hello).find("speaks protocol version 2, this build speaks version 1"), std::string::npos)
      << error_of(hello);
  try {
    parse_parent_message(R"({"version": 9, "workload": "cpu", "params": {}})");
    ADD_FAILURE() << "a setup of version 9 was accepted";
  } catch (const protocol_error& e) {
    EXPECT_NE(std::string(e.what()).find("version 9"), std::string::npos) << e.what();
  }
  EXPECT_NE(error_of(R"({"hello": "someone-else", "version": 1, "pid": 1})").find("not a concbench worker"),
            std::string::npos);
}

TEST(worker_protocol, rejects_malformed_lines_with_the_line_quoted) {
  EXPECT_NE(error_of("this is not json").find("not JSON"), std::string::npos);
  EXPECT_NE(error_of("this is not json").find("\"this is not json\""), std::string::npos);
  EXPECT_NE(error_of("[1, 2]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"id": 1, "start": 1, "end": 2})").find("exactly one of"), std::string::npos);
  EXPECT_NE(error_of(R"({"id": -1, "result": {"value": 1}, "start": 1, "end": 2})").find("\"id\""), std::string::npos);
  EXPECT_NE(error_of(R"({"id": 1, "result": {"value": 1}, "end": 2})").find("no \"start\""), std::string::npos);
  EXPECT_NE(error_of(R"({"id": 1, "result": {"value": "x"}, "start": 1, "end": 2})").find("\"result\""),
            std::string::npos);
  EXPECT_NE(error_of(R"({"id": 1, "result": {"value": 1}, "start": 5, "end": 2})").find("ends before it starts"),
            std::string::npos);
  EXPECT_THROW(parse_parent_message(R"({"id": 1, "task": {"index": "a", "size": 1}})"), protocol_error);
}

// Found by the fuzzer: a number too large for a double is nlohmann's out_of_range, not its
// parse_error, and escaped the parser as a foreign exception.
TEST(worker_protocol, refuses_a_number_too_large_for_a_double) {
  EXPECT_NE(error_of("1E999").find("not JSON"), std::string::npos) << error_of("1E999");
  EXPECT_NE(error_of(R"({"id": 1, "result": {"value": 1}, "start": 1E999, "end": 2})").find("not JSON"),
            std::string::npos);
  EXPECT_THROW(parse_parent_message("\t1111E1111151"), protocol_error);
}

TEST(worker_protocol, rejects_a_reply_for_an_unknown_id) {
  EXPECT_NO_THROW(check_reply_id(4, 4));
  try {
    check_reply_id(5, 4);
    ADD_FAILURE();
  } catch (const protocol_error& e) {
    EXPECT_STREQ(e.what(), "reply for unknown task id 5 (the worker holds id 4)");
  }
  EXPECT_THROW(check_reply_id(5, std::nullopt), protocol_error);
}

TEST(worker_protocol, splits_lines_however_they_arrive) {
  auto pipe = make_pipe();
  write_all(pipe.write_end.get(), "one\ntw");
  line_reader reader;
  EXPECT_EQ(read_line(pipe.read_end.get(), reader), "one");
  write_all(pipe.write_end.get(), "o\nthree\n");
  EXPECT_EQ(read_line(pipe.read_end.get(), reader), "two");
  EXPECT_EQ(read_line(pipe.read_end.get(), reader), "three");
  pipe.write_end.reset();
  EXPECT_EQ(read_line(pipe.read_end.get(), reader), std::nullopt);  // clean end of file
}

TEST(worker_protocol, a_line_cut_short_by_end_of_file_is_an_error) {
  auto pipe = make_pipe();
  write_all(pipe.write_end.get(), "{\"id\": 1");
  pipe.write_end.reset();
  line_reader reader;
  EXPECT_THROW(read_line(pipe.read_end.get(), reader), protocol_error);
}

TEST(worker_protocol, refuses_over_long_lines_on_both_sides) {
  auto pipe = make_pipe();
  // The writer refuses to send one (and writes nothing)...
  EXPECT_THROW(write_line(pipe.write_end.get(), std::string(max_line_bytes + 1, 'x')), protocol_error);
  // ...and a reader refuses one that arrives anyway, as soon as it is too long, whether or
  // not its newline has come. (A small limit keeps the bytes within the pipe's buffer.)
  line_reader reader(100);
  write_all(pipe.write_end.get(), std::string(100, 'y') + "\n");
  EXPECT_EQ(read_line(pipe.read_end.get(), reader)->size(), 100u);
  write_all(pipe.write_end.get(), std::string(101, 'z'));
  try {
    read_line(pipe.read_end.get(), reader);
    ADD_FAILURE() << "an over-long line was accepted";
  } catch (const protocol_error& e) {
    EXPECT_NE(std::string(e.what()).find("line longer than 100 bytes"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace concbench
