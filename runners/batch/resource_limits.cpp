#include "runners/batch/resource_limits.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <sstream>

#include "workloads/system/proc_files.hpp"

namespace concbench {
namespace {

std::atomic<int> allowed_threads{-1};  // -1: no refusals injected
std::atomic<int> allowed_processes{-1};

std::atomic<int>& allowance(os_resource what) {
  return what == os_resource::thread ? allowed_threads : allowed_processes;
}

// Threads and processes of one user, as RLIMIT_NPROC counts them (every task of every process).
long tasks_of_user(uid_t uid) {
  long count = 0;
  std::error_code ignored;
  for (const auto& process : std::filesystem::directory_iterator("/proc", ignored)) {
    const auto name = process.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto status = read_text((process.path() / "status").string());
    if (number_after(status, "Uid:") == static_cast<std::int64_t>(uid))
      count += number_after(status, "Threads:").value_or(0);
  }
  return count;
}

// This process's mapped address space (VmSize), in bytes; -1 when /proc cannot tell.
long long mapped_bytes() { return kib_line_bytes(read_text("/proc/self/status"), "VmSize:").value_or(-1); }

// `ulimit -v` (RLIMIT_AS) when it is set: a thread's stack is mapped from it, so a new thread
// fails with EAGAIN like every count limit below, though none of them was reached.
std::string address_space_limit() {
  rlimit as{};
  if (::getrlimit(RLIMIT_AS, &as) != 0 || as.rlim_cur == RLIM_INFINITY) return "";
  rlimit stack{};
  ::getrlimit(RLIMIT_STACK, &stack);
  const long long stack_bytes =
      stack.rlim_cur == RLIM_INFINITY ? 2LL << 20 : static_cast<long long>(stack.rlim_cur);  // glibc's default
  const long long mapped = mapped_bytes();
  std::ostringstream text;
  text << "ulimit -v (RLIMIT_AS) " << as.rlim_cur / 1024 << " KiB: each thread's stack maps " << stack_bytes / 1024
       << " KiB of it (ulimit -s)";
  if (mapped >= 0) {
    const long long room = (static_cast<long long>(as.rlim_cur) - mapped) / stack_bytes;
    text << ", room for " << std::max(room, 0LL) << " more now (" << mapped / 1024 << " KiB mapped)";
    if (room < 1) text << ": the limit that was hit";
  }
  return text.str();
}

std::string describe_limits() {
  std::ostringstream text;
  if (const auto address_space = address_space_limit(); !address_space.empty()) text << address_space << "; ";
  const uid_t uid = ::getuid();
  rlimit nproc{};
  ::getrlimit(RLIMIT_NPROC, &nproc);
  text << "limits: ulimit -u (RLIMIT_NPROC) ";
  if (nproc.rlim_cur == RLIM_INFINITY) {
    text << "unlimited";
  } else {
    text << nproc.rlim_cur;
  }
  text << " for uid " << uid << (uid == 0 ? " (root: not bound by it)" : "") << ", which now has " << tasks_of_user(uid)
       << " threads and processes";
  const auto cgroup = own_cgroup_v2_folder();
  if (!cgroup.empty()) {
    const auto max = first_line(cgroup + "/pids.max");
    const auto current = first_line(cgroup + "/pids.current");
    if (!max.empty()) text << "; cgroup pids.max " << max << " (" << (current.empty() ? "?" : current) << " in use)";
  }
  const auto threads_max = first_line("/proc/sys/kernel/threads-max");
  const auto pid_max = first_line("/proc/sys/kernel/pid_max");
  if (!threads_max.empty()) text << "; kernel.threads-max " << threads_max;
  if (!pid_max.empty()) text << "; kernel.pid_max " << pid_max << " (system-wide)";
  return text.str();
}

}  // namespace

std::string explain_refusal(const std::system_error& error, os_resource what) {
  std::string message = error.what();
  if (error.code() != std::errc::resource_unavailable_try_again) return message;
  message += std::string("; the OS refused a new ") + (what == os_resource::thread ? "thread" : "process") +
             " (EAGAIN): " + describe_limits();
  return message;
}

void check_injected_refusal(os_resource what) {
  auto& allowed = allowance(what);
  int left = allowed.load(std::memory_order_relaxed);
  while (left >= 0) {
    if (left == 0) {
      throw std::system_error(EAGAIN, std::generic_category(),
                              std::string("refused by the test-only injection seam (") +
                                  (what == os_resource::thread ? "thread" : "process") + ")");
    }
    if (allowed.compare_exchange_weak(left, left - 1, std::memory_order_relaxed)) return;
  }
}

void refuse_after_for_tests(os_resource what, int allowed) { allowance(what).store(allowed); }

}  // namespace concbench
