#include "tests/runners/process/test_fault_filter.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "runners/process/worker_main.hpp"

namespace concbench::test {
namespace {

struct fault {
  std::string kind;
  long long task = -1;
};

// Read once per worker process, on its first line.
const std::optional<fault>& current_fault() {
  static const std::optional<fault> loaded = []() -> std::optional<fault> {
    const char* path = std::getenv(fault_file_variable);
    if (path == nullptr) return std::nullopt;
    std::ifstream file(path);
    fault f;
    if (!(file >> f.kind)) return std::nullopt;
    file >> f.task;
    return f;
  }();
  return loaded;
}

std::string filter(const std::string& line, const task_spec* task) {
  const auto& f = current_fault();
  if (f && task == nullptr && f->kind == "bad-version" && line.find("\"hello\"") != std::string::npos) {
    auto hello = nlohmann::json::parse(line);
    hello["version"] = 2;
    return hello.dump() + "\n";
  }
  if (f && task != nullptr && static_cast<long long>(task->index) == f->task) {
    if (f->kind == "garbage") return "this is not json\n";
    if (f->kind == "overlong") return std::string(70'000, 'x') + "\n";
    if (f->kind == "unknown-id") {
      auto reply = nlohmann::json::parse(line);
      reply["id"] = reply["id"].get<std::uint64_t>() + 1000;
      return reply.dump() + "\n";
    }
  }
  return line + "\n";
}

}  // namespace

void install_fault_filter() {
  if (std::getenv(fault_file_variable) == nullptr) {
    const std::string path = "/tmp/concbench-test-fault-" + std::to_string(::getpid());
    ::setenv(fault_file_variable, path.c_str(), 1);
  }
  set_worker_line_filter(filter);
}

scoped_fault::scoped_fault(const std::string& spec) { std::ofstream(std::getenv(fault_file_variable)) << spec << "\n"; }

scoped_fault::~scoped_fault() { std::remove(std::getenv(fault_file_variable)); }

}  // namespace concbench::test
