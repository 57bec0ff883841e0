#include "runners/process/worker_main.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <system_error>

#include "runners/batch/batch_recorder.hpp"
#include "runners/process/child_reset.hpp"
#include "runners/process/worker_protocol.hpp"
#include "workloads/system/steady_now.hpp"
#include "workloads/workload_factory.hpp"

namespace concbench {
namespace {

worker_line_filter& line_filter() {
  static worker_line_filter filter;
  return filter;
}

void send(int fd, const std::string& line, const task_spec* task = nullptr) {
  if (const auto& filter = line_filter()) {
    write_all(fd, filter(line, task));
  } else {
    write_line(fd, line);
  }
}

std::string cut(std::string text, std::size_t limit) {
  if (text.size() > limit) {
    text.resize(limit);
    text += "... (cut)";
  }
  return text;
}

// Returns the exit status.
int serve(int in_fd, int out_fd) {
  send(out_fd, encode(hello_message{protocol_version, static_cast<long>(::getpid())}));
  line_reader reader;
  std::unique_ptr<workload> work;
  const auto give_up = [&](const std::string& reason) {
    send(out_fd, encode(fatal_message{cut(reason, max_error_bytes)}));
    return 2;
  };
  for (;;) {
    parent_message message;
    try {
      const auto line = read_line(in_fd, reader);
      if (!line) return 0;  // the parent closed our pipe: the pool is done with us
      message = parse_parent_message(*line);
    } catch (const protocol_error& e) {
      return give_up(e.what());
    }
    if (const auto* setup = std::get_if<setup_message>(&message)) {
      try {
        work = make_workload(setup->workload, setup->params);
      } catch (const std::exception& e) {
        return give_up("cannot build workload '" + setup->workload + "': " + e.what());
      }
      continue;
    }
    const auto& task = std::get<task_message>(message);
    if (!work) return give_up("task id " + std::to_string(task.id) + " arrived before any workload");
    reply_message reply;
    reply.id = task.id;
    reply.start_ns = steady_now_ns();
    try {
      // No stop token: a worker process is stopped by killing it.
      reply.result = work->run_blocking(task.task, std::stop_token{});
    } catch (...) {
      reply.error = cut(describe_exception(std::current_exception()), max_error_bytes);
    }
    reply.end_ns = steady_now_ns();
    send(out_fd, encode(reply), &task.task);
  }
}

bool parse_fd_flag(std::string_view arg, std::string_view flag, int& fd) {
  if (arg.substr(0, flag.size()) != flag) return false;
  const std::string value(arg.substr(flag.size()));
  char* end = nullptr;
  const long parsed = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || parsed < 0 || parsed > 1 << 20)
    fd = -1;
  else
    fd = static_cast<int>(parsed);
  return true;
}

}  // namespace

bool is_worker_invocation(int argc, char** argv) {
  return argc >= 2 && argv[1] != nullptr && std::strcmp(argv[1], worker_flag) == 0;
}

void set_worker_line_filter(worker_line_filter filter) { line_filter() = std::move(filter); }

void run_worker_and_exit(int in_fd, int out_fd) {
  // Nothing of the parent's survives into the task loop (child_reset.hpp).
  const int keep[] = {in_fd, out_fd};
  reset_child_process(keep, "concbench-wkr");
  int status = 1;
  try {
    status = serve(in_fd, out_fd);
  } catch (const std::system_error& e) {
    // The parent closed its end: it no longer wants this worker (a cold pool larger than its
    // batch retires workers before their hello) or it has gone. Nobody is left to tell.
    status = e.code() == std::errc::broken_pipe ? 0 : 1;
  } catch (...) {
    status = 3;
  }
  ::_exit(status);
}

int worker_main(int argc, char** argv) {
  int in_fd = spawned_worker_in_fd;
  int out_fd = spawned_worker_out_fd;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (parse_fd_flag(arg, "--in-fd=", in_fd) || parse_fd_flag(arg, "--out-fd=", out_fd)) continue;
    std::fprintf(stderr, "concbench worker: unknown argument '%s' (this mode is started by concbench itself)\n",
                 argv[i]);
    ::_exit(2);
  }
  if (in_fd < 0 || out_fd < 0 || in_fd == out_fd) {
    std::fprintf(stderr, "concbench worker: --in-fd and --out-fd need two different descriptor numbers\n");
    ::_exit(2);
  }
  run_worker_and_exit(in_fd, out_fd);
}

}  // namespace concbench
