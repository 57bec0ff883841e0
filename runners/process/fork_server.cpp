#include "runners/process/fork_server.hpp"

#include <dirent.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "runners/process/worker_main.hpp"
#include "workloads/open_file_limit.hpp"

namespace concbench {
namespace {

// The wire format between the measuring process and the server: fixed-size structs over a
// SOCK_SEQPACKET socket, one struct per message (the socket keeps the boundaries), the two
// pipe ends of a new worker attached to its `forked` notice, a job's descriptors attached to
// its request. Both ends are the same binary.
enum class request_kind : std::uint32_t { fork_worker = 1, kill_worker = 2, fork_job = 3 };
struct request {
  request_kind kind;
  std::int32_t pid;        // kill_worker
  std::uint64_t id;        // fork_worker, fork_job: echoed in the answer
  std::uint32_t fd_count;  // fork_job: descriptors attached
  forked_job job;          // fork_job
};

enum class notice_kind : std::uint32_t { forked = 1, fork_failed = 2, exited = 3 };
struct notice {
  notice_kind kind;
  std::int32_t pid;
  std::uint64_t id;     // the fork_worker request answered
  std::int32_t error;   // fork_failed: errno
  std::int32_t status;  // exited: wait status
  ::rusage usage;       // exited: wait4's usage
};

// How many fork requests the client keeps in flight: enough to overlap the round trips,
// few enough that neither socket buffer can fill up while the other side waits.
constexpr int request_window = 32;

// What a forked job runs (register_forked_job_entry). Set before the server is forked, so the
// server has its own copy; constant-initialised, so a static initialiser may set it.
constinit forked_job_entry job_entry = nullptr;

// ---------------------------------------------------------------------------------------------
// The server process.

class server {
 public:
  explicit server(unique_fd socket) : socket_(std::move(socket)) {}
  [[noreturn]] void run();

 private:
  void handle(const request& req, std::vector<unique_fd> fds);
  void fork_worker(std::uint64_t id);
  void fork_job(const request& req, std::vector<unique_fd> fds);
  void reap();
  bool flush();  // false once the client has gone
  [[noreturn]] void shut_down();

  struct outgoing {
    notice message{};
    unique_fd fds[2];
  };

  unique_fd socket_;
  unique_fd signals_;
  sigset_t old_mask_{};
  std::deque<outgoing> queue_;      // never block on the client: it may be busy sending to us
  std::unordered_set<pid_t> live_;  // forked and not yet reaped: safe to signal
};

void server::run() {
  // Its own process group: Ctrl-C at the terminal is for the measuring process, which stops
  // its batches and exits; the server follows on end of file.
  ::setpgid(0, 0);
  ::prctl(PR_SET_NAME, "concbench-forks", 0, 0, 0);
  // What a worker leaves behind when it is killed (a fork-cost parent's children) is re-parented
  // here and reaped, not to the measuring process, which never waits for pids it did not start.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, SIG_IGN);
  // SIGCHLD through a signalfd, so one poll() watches requests and children alike.
  sigset_t child_signal;
  sigemptyset(&child_signal);
  sigaddset(&child_signal, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &child_signal, &old_mask_);
  signals_.reset(::signalfd(-1, &child_signal, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signals_) ::_exit(70);
  set_nonblocking(socket_.get());
  for (;;) {
    pollfd fds[2] = {{socket_.get(), static_cast<short>(POLLIN | (queue_.empty() ? 0 : POLLOUT)), 0},
                     {signals_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      shut_down();
    }
    if (fds[1].revents != 0) {
      signalfd_siginfo info;
      while (::read(signals_.get(), &info, sizeof info) == sizeof info) {
      }
      reap();
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      for (;;) {
        request req{};
        msghdr header{};
        iovec part{&req, sizeof req};
        header.msg_iov = &part;
        header.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(max_forked_job_fds * sizeof(int))] = {};
        header.msg_control = control;
        header.msg_controllen = sizeof control;
        const ssize_t n = ::recvmsg(socket_.get(), &header, MSG_CMSG_CLOEXEC);
        if (n == 0) shut_down();  // the measuring process has gone
        if (n < 0) {
          if (errno == EINTR) continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK) break;
          shut_down();
        }
        // Descriptors that came along (a job's), owned from here on.
        std::vector<unique_fd> fds;
        for (cmsghdr* cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr; cmsg = CMSG_NXTHDR(&header, cmsg)) {
          if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
          const std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
          for (std::size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof fd);
            fds.emplace_back(fd);
          }
        }
        if (n == sizeof req) handle(req, std::move(fds));
      }
    }
    if (!flush()) shut_down();
  }
}

void server::handle(const request& req, std::vector<unique_fd> fds) {
  switch (req.kind) {
    case request_kind::fork_worker:
      fork_worker(req.id);
      break;
    case request_kind::fork_job:
      fork_job(req, std::move(fds));
      break;
    case request_kind::kill_worker:
      if (live_.count(req.pid) != 0) {
        ::kill(-req.pid, SIGKILL);
        ::kill(req.pid, SIGKILL);  // in case it never made it into its own group
      }
      break;
  }
}

void server::fork_worker(std::uint64_t id) {
  outgoing out;
  out.message.id = id;
  try {
    auto to_worker = make_pipe();
    auto from_worker = make_pipe();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
      ::setpgid(0, 0);
      run_worker_and_exit(to_worker.read_end.get(), from_worker.write_end.get());
    }
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    // Set the group from this side too, so a kill that comes before the child runs still
    // reaches the whole group (the usual shell idiom).
    ::setpgid(pid, pid);
    live_.insert(pid);
    out.message.kind = notice_kind::forked;
    out.message.pid = pid;
    out.fds[0] = std::move(to_worker.write_end);
    out.fds[1] = std::move(from_worker.read_end);
  } catch (const std::system_error& e) {
    out.message.kind = notice_kind::fork_failed;
    out.message.error = e.code().value();
  }
  queue_.push_back(std::move(out));
}

void server::fork_job(const request& req, std::vector<unique_fd> fds) {
  outgoing out;
  out.message.id = req.id;
  if (fds.size() != req.fd_count || fds.size() > max_forked_job_fds || job_entry == nullptr) {
    out.message.kind = notice_kind::fork_failed;
    // The descriptors did not all arrive, or nothing can run the job.
    out.message.error = job_entry == nullptr ? ENOSYS : EBADMSG;
    queue_.push_back(std::move(out));
    return;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    ::setpgid(0, 0);
    int numbers[max_forked_job_fds];
    for (std::size_t i = 0; i < fds.size(); ++i) numbers[i] = fds[i].get();
    job_entry(req.job, std::span<const int>(numbers, fds.size()));
    ::_exit(70);  // the entry point must not return
  }
  if (pid < 0) {
    out.message.kind = notice_kind::fork_failed;
    out.message.error = errno;
  } else {
    ::setpgid(pid, pid);
    live_.insert(pid);
    out.message.kind = notice_kind::forked;
    out.message.pid = pid;
  }
  // The server's copies close here: the worker holds its own, the measuring process its.
  queue_.push_back(std::move(out));
}

void server::reap() {
  for (;;) {
    int status = 0;
    ::rusage usage{};
    const pid_t pid = ::wait4(-1, &status, WNOHANG, &usage);
    if (pid <= 0) return;
    // An orphan of a worker (the server is their subreaper) is reaped and not reported.
    if (live_.erase(pid) == 0) continue;
    outgoing out;
    out.message.kind = notice_kind::exited;
    out.message.pid = pid;
    out.message.status = status;
    out.message.usage = usage;
    queue_.push_back(std::move(out));
  }
}

bool server::flush() {
  while (!queue_.empty()) {
    auto& out = queue_.front();
    msghdr header{};
    iovec part{&out.message, sizeof out.message};
    header.msg_iov = &part;
    header.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
    if (out.fds[0]) {
      header.msg_control = control;
      header.msg_controllen = sizeof control;
      cmsghdr* cmsg = CMSG_FIRSTHDR(&header);
      cmsg->cmsg_level = SOL_SOCKET;
      cmsg->cmsg_type = SCM_RIGHTS;
      cmsg->cmsg_len = CMSG_LEN(2 * sizeof(int));
      const int fds[2] = {out.fds[0].get(), out.fds[1].get()};
      std::memcpy(CMSG_DATA(cmsg), fds, sizeof fds);
    }
    if (::sendmsg(socket_.get(), &header, MSG_NOSIGNAL) < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    queue_.pop_front();  // the measuring process has its own copies of the pipe ends now
  }
  return true;
}

void server::shut_down() {
  for (const pid_t pid : live_) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  while (::wait4(-1, nullptr, 0, nullptr) > 0 || errno == EINTR) {
  }
  ::_exit(0);
}

// ---------------------------------------------------------------------------------------------
// The measuring process's end.

// This process's children, from every thread's /proc children list.
std::vector<pid_t> children_of_this_process() {
  std::vector<pid_t> children;
  std::error_code ignored;
  for (auto task = std::filesystem::directory_iterator("/proc/self/task", ignored);
       task != std::filesystem::directory_iterator(); task.increment(ignored)) {
    std::ifstream list(task->path() / "children");
    for (pid_t pid = 0; list >> pid;) children.push_back(pid);
  }
  return children;
}

class client {
 public:
  client(unique_fd socket, pid_t server) : socket_(std::move(socket)), server_(server) {}
  // However the measuring process ends (main returns, std::exit), the server is told to go
  // and reaped: never left a zombie for pid 1.
  ~client() { hang_up_and_reap(std::chrono::seconds(5)); }

  // Ends the server's socket (it kills and reaps its workers and exits on end of file) and
  // reaps it, killing it after `patience`. Takes no lock and frees nothing: the second-signal
  // path calls it from its own thread while the main thread may be using the client.
  // `again`: even when it has run or runs on another thread (whichever waitpid gets the server
  // reaps it; the second Ctrl-C must not leave a server the main thread is still waiting for).
  void hang_up_and_reap(std::chrono::milliseconds patience, bool again = false) noexcept;

  std::vector<forked_worker> fork(int count);
  std::vector<int> fork_jobs(std::span<const forked_job_request> requests);
  void kill(pid_t pid);
  std::optional<process_exit> wait(pid_t pid, std::chrono::milliseconds timeout);
  pid_t pid() const { return server_; }
  bool hung_up() const { return reaped_.load(); }
  // Why the server died on its own, once that was noticed; empty while it runs.
  std::string lost() {
    std::lock_guard lock(mutex_);
    return lost_;
  }
  // Kills and reaps the workers the dead server left (ours now: this process is their
  // subreaper), waiting at most `patience` for each.
  void reap_orphans(std::chrono::milliseconds patience);

 private:
  struct received {
    notice message{};
    unique_fd fds[2];
  };
  void send(const request& req, std::span<const int> fds = {});
  // Kills and reaps `pids` (the started part of a failed all-or-none fork).
  void abandon(const std::vector<pid_t>& pids);
  // Asks for `count` forks (at most request_window in flight), hands each answer to
  // take_answer(index, notice), and throws std::system_error with fork's errno when one failed,
  // after killing and reaping the ones that started: fork() and fork_jobs() differ only in
  // what they send and keep.
  template <typename SendRequest, typename TakeAnswer>
  void fork_all_or_none(int count, const char* what, SendRequest send_request, TakeAnswer take_answer);
  // One notice, waiting up to `timeout_ms` (-1: as long as it takes); false on time-out.
  bool receive(int timeout_ms, received& out);
  // Records why the server has gone (the first time: reaps it and says how it ended) and throws
  // fork_server_gone saying so.
  [[noreturn]] void server_gone(const std::string& how);
  // A worker of the dead server, reparented to this process (start_fork_server made it the
  // subreaper): killed and reaped directly. Nothing for a pid that is not our child.
  void kill_orphan(pid_t pid);
  std::optional<process_exit> wait_orphan(pid_t pid, std::chrono::steady_clock::time_point deadline);
  std::string server_name() const { return "the fork server (pid " + std::to_string(server_) + ")"; }

  std::mutex mutex_;
  unique_fd socket_;
  pid_t server_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<pid_t, process_exit> exits_;  // reported, not yet asked for
  std::unordered_set<pid_t> running_;              // forked, their exit not yet reported
  bool gone_ = false;
  std::string lost_;                 // how the server ended, once it has gone
  std::atomic<bool> reaped_{false};  // hang_up_and_reap has run
};

void client::hang_up_and_reap(std::chrono::milliseconds patience, bool again) noexcept {
  if (reaped_.exchange(true) && !again) return;
  ::shutdown(socket_.get(), SHUT_RDWR);
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    int status = 0;
    const pid_t got = ::waitpid(server_, &status, WNOHANG);
    if (got == server_ || (got < 0 && errno != EINTR)) return;  // reaped (or already, by server_gone)
    if (std::chrono::steady_clock::now() >= deadline) break;
    ::usleep(1000);
  }
  ::kill(server_, SIGKILL);
  while (::waitpid(server_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

void client::server_gone(const std::string& how) {
  if (!gone_) {
    gone_ = true;
    int status = 0;
    // Its end of the socket closes before it is a zombie: this wait is short.
    if (::waitpid(server_, &status, 0) == server_) {
      lost_ = server_name() + " " + process_exit{status, {}}.describe();
    } else {
      lost_ = server_name() + " has gone (" + how + ")";
    }
  }
  throw fork_server_gone(lost_);
}

void client::kill_orphan(pid_t pid) {
  // Only a child of ours, which cannot be reaped by anyone else meanwhile: a reused pid is
  // never hit. WNOWAIT leaves a zombie for wait_orphan to reap.
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return;
  if (info.si_pid == pid) return;  // already ended
  ::kill(-pid, SIGKILL);           // its process group (a job may start children)
  ::kill(pid, SIGKILL);
}

std::optional<process_exit> client::wait_orphan(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int status = 0;
    ::rusage usage{};
    const pid_t got = ::wait4(pid, &status, WNOHANG, &usage);
    if (got == pid) {
      running_.erase(pid);
      return process_exit{status, usage};
    }
    if (got < 0 && errno != EINTR) {
      // Not our child (no subreaper, or reaped by someone else): how it ended is unknown.
      running_.erase(pid);
      return process_exit{process_exit::unknown_status, {}};
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    ::usleep(1000);
  }
}

void client::reap_orphans(std::chrono::milliseconds patience) {
  std::lock_guard lock(mutex_);
  if (!gone_) return;
  // The workers it told us of, and those it forked but died before telling (their notices were
  // still in its queue): at the end of the run every child left is one of them, since whatever
  // this process started itself (spawned workers, the http server) has been reaped by its owner.
  std::unordered_set<pid_t> orphans(running_.begin(), running_.end());
  for (const pid_t pid : children_of_this_process()) orphans.insert(pid);
  for (const pid_t pid : orphans) kill_orphan(pid);
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (const pid_t pid : orphans) wait_orphan(pid, deadline);
}

void client::send(const request& req, std::span<const int> fds) {
  if (gone_) server_gone("earlier");
  msghdr header{};
  iovec part{const_cast<request*>(&req), sizeof req};
  header.msg_iov = &part;
  header.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(max_forked_job_fds * sizeof(int))] = {};
  if (!fds.empty()) {
    if (fds.size() > max_forked_job_fds) throw std::invalid_argument("too many descriptors for one worker");
    header.msg_control = control;
    header.msg_controllen = CMSG_SPACE(fds.size() * sizeof(int));
    cmsghdr* cmsg = CMSG_FIRSTHDR(&header);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(fds.size() * sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), fds.data(), fds.size() * sizeof(int));
  }
  while (::sendmsg(socket_.get(), &header, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) server_gone(std::strerror(errno));
  }
}

void client::abandon(const std::vector<pid_t>& pids) {
  try {
    for (const pid_t pid : pids) {
      if (!gone_) send({request_kind::kill_worker, pid, 0, 0, {}});
    }
    for (const pid_t pid : pids) {
      while (!gone_ && exits_.count(pid) == 0) {
        received got;
        receive(-1, got);
      }
    }
  } catch (const fork_server_gone&) {
    // The rest are orphans, killed and reaped below.
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (const pid_t pid : pids) {
    if (exits_.erase(pid) == 0 && gone_) {
      kill_orphan(pid);
      wait_orphan(pid, deadline);
    }
  }
}

bool client::receive(int timeout_ms, received& out) {
  if (gone_) server_gone("earlier");
  pollfd ready{socket_.get(), POLLIN, 0};
  int n;
  while ((n = ::poll(&ready, 1, timeout_ms)) < 0 && errno == EINTR) {
  }
  if (n == 0) return false;
  msghdr header{};
  iovec part{&out.message, sizeof out.message};
  header.msg_iov = &part;
  header.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  header.msg_control = control;
  header.msg_controllen = sizeof control;
  ssize_t got;
  // MSG_CMSG_CLOEXEC: the pipe ends must not leak into anything this process spawns.
  while ((got = ::recvmsg(socket_.get(), &header, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (got == 0) server_gone("end of file on its socket");
  if (got < 0) server_gone(std::strerror(errno));
  for (cmsghdr* cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr; cmsg = CMSG_NXTHDR(&header, cmsg)) {
    if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
    int fds[2] = {-1, -1};
    std::memcpy(fds, CMSG_DATA(cmsg), std::min(sizeof fds, cmsg->cmsg_len - CMSG_LEN(0)));
    out.fds[0].reset(fds[0]);
    out.fds[1].reset(fds[1]);
  }
  if ((header.msg_flags & MSG_CTRUNC) != 0 && out_of_descriptors()) {
    // The kernel drops descriptors this process has no room for, and says only MSG_CTRUNC.
    throw std::runtime_error("could not take a new worker's pipe ends from " + server_name() +
                             ": this process is out of descriptors (" + descriptors_in_use() + ")");
  }
  if (got != sizeof out.message || (header.msg_flags & MSG_CTRUNC) != 0) {
    throw std::runtime_error(server_name() + " sent a malformed message");
  }
  if (out.message.kind == notice_kind::exited) {
    exits_[out.message.pid] = {out.message.status, out.message.usage};
    running_.erase(out.message.pid);
  } else if (out.message.kind == notice_kind::forked) {
    running_.insert(out.message.pid);
  }
  return true;
}

template <typename SendRequest, typename TakeAnswer>
void client::fork_all_or_none(int count, const char* what, SendRequest send_request, TakeAnswer take_answer) {
  std::vector<pid_t> started;
  int failed_errno = 0;
  int sent = 0;
  int answered = 0;
  const std::uint64_t first_id = next_id_;
  try {
    while (answered < count) {
      while (sent < count && sent - answered < request_window) send_request(sent++, next_id_++);
      received got;
      if (!receive(30'000, got)) throw std::runtime_error(server_name() + " did not answer a fork request within 30 s");
      if (got.message.kind == notice_kind::exited) continue;
      if (got.message.id < first_id || got.message.id >= next_id_) continue;  // not ours
      ++answered;
      if (got.message.kind == notice_kind::fork_failed) {
        failed_errno = got.message.error;
        continue;
      }
      started.push_back(got.message.pid);
      take_answer(static_cast<std::size_t>(got.message.id - first_id), got);
    }
    // The errno itself, so that callers can name the limit behind an EAGAIN (resource_limits.hpp).
    if (failed_errno != 0) {
      throw std::system_error(failed_errno, std::generic_category(), server_name() + " could not fork " + what);
    }
  } catch (...) {
    abandon(started);  // all or none: stop and reap the ones that did start before reporting
    throw;
  }
}

std::vector<forked_worker> client::fork(int count) {
  std::lock_guard lock(mutex_);
  std::vector<forked_worker> workers;
  workers.reserve(static_cast<std::size_t>(std::max(count, 0)));
  fork_all_or_none(
      count, "a worker",
      [&](int, std::uint64_t id) {
        send({request_kind::fork_worker, 0, id, 0, {}});
      },
      [&](std::size_t, received& got) {
        if (!got.fds[0] || !got.fds[1]) {
          throw std::runtime_error(server_name() + " forked a worker but sent no pipe ends for it");
        }
        workers.push_back({got.message.pid, std::move(got.fds[0]), std::move(got.fds[1])});
      });
  return workers;
}

std::vector<int> client::fork_jobs(std::span<const forked_job_request> requests) {
  std::lock_guard lock(mutex_);
  std::vector<pid_t> pids(requests.size(), -1);
  fork_all_or_none(
      static_cast<int>(requests.size()), "a job's worker",
      [&](int index, std::uint64_t id) {
        const auto& spec = requests[static_cast<std::size_t>(index)];
        send({request_kind::fork_job, 0, id, static_cast<std::uint32_t>(spec.fds.size()), spec.job}, spec.fds);
      },
      [&](std::size_t index, received& got) { pids[index] = got.message.pid; });
  return pids;
}

void client::kill(pid_t pid) {
  std::lock_guard lock(mutex_);
  if (!gone_) {
    try {
      send({request_kind::kill_worker, pid, 0, 0, {}});
      return;
    } catch (const fork_server_gone&) {
      // Its workers are ours now: kill this one directly.
    }
  }
  kill_orphan(pid);
}

std::optional<process_exit> client::wait(pid_t pid, std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const auto it = exits_.find(pid); it != exits_.end()) {
      const process_exit exit = it->second;
      exits_.erase(it);
      return exit;
    }
    if (gone_) return wait_orphan(pid, deadline);
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    received got;
    try {
      if (!receive(static_cast<int>(std::max<std::int64_t>(left.count(), 0)), got)) {
        if (exits_.count(pid) != 0) continue;
        return std::nullopt;
      }
    } catch (const fork_server_gone&) {
      // The next turn reaps it as an orphan: a worker outlives its server.
    }
  }
}

std::unique_ptr<client>& the_client() {
  static std::unique_ptr<client> instance;
  return instance;
}

client& running_client() {
  auto& instance = the_client();
  if (!instance) {
    throw std::runtime_error(
        "processes-fork needs the fork server: call concbench::start_fork_server() first thing in "
        "main");
  }
  if (instance->hung_up()) throw std::runtime_error("the fork server has been stopped (stop_fork_server())");
  return *instance;
}

int thread_count() {
  DIR* tasks = ::opendir("/proc/self/task");
  if (tasks == nullptr) return 1;  // no /proc: cannot tell, assume the caller is right
  int count = 0;
  while (const dirent* entry = ::readdir(tasks)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(tasks);
  return count;
}

}  // namespace

void start_fork_server() {
  auto& instance = the_client();
  if (instance) return;
  if (const int threads = thread_count(); threads > 1) {
    throw std::logic_error("start_fork_server() must run before any thread starts, but " + std::to_string(threads) +
                           " threads are running: call it first thing in main");
  }
  // Each worker costs this process two or three descriptors: the default soft limit (1,024) would
  // stop a pool long before 1,000 workers.
  raise_open_file_limit();
  std::signal(SIGPIPE, SIG_IGN);
  // Should the server die (the OOM killer, a stray kill), its workers become this process's
  // children instead of init's, so that they are still killed and reaped here, and nothing it
  // forked outlives the run.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) {
    throw std::system_error(errno, std::generic_category(), "socketpair for the fork server");
  }
  unique_fd ours(ends[0]);
  unique_fd theirs(ends[1]);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork of the fork server");
  if (pid == 0) {
    ours.reset();
    // Keep stderr (a worker's last words stay visible) and the socket, nothing else.
    const int keep[] = {theirs.get()};
    close_fds_except(keep);
    detach_stdin_stdout(keep);
    server(std::move(theirs)).run();
  }
  instance = std::make_unique<client>(std::move(ours), pid);
}

// The client stays (freed at exit): the second Ctrl-C's thread may be using it meanwhile.
void stop_fork_server() {
  if (auto* instance = the_client().get()) {
    instance->hang_up_and_reap(std::chrono::seconds(5));
    instance->reap_orphans(std::chrono::seconds(5));
  }
}

std::optional<std::string> fork_server_lost() {
  auto* instance = the_client().get();
  if (!instance) return std::nullopt;
  auto lost = instance->lost();
  if (lost.empty()) return std::nullopt;
  return lost;
}

void stop_fork_server_at_once() noexcept {
  if (auto* instance = the_client().get()) instance->hang_up_and_reap(std::chrono::seconds(2), true);
}

bool fork_server_running() { return the_client() != nullptr && !the_client()->hung_up(); }

int fork_server_pid() { return the_client() ? the_client()->pid() : -1; }

std::vector<forked_worker> fork_workers(int count) { return running_client().fork(count); }

void register_forked_job_entry(forked_job_entry entry) {
  if (entry == job_entry) return;
  if (job_entry != nullptr) throw std::logic_error("another entry point for forked jobs is registered already");
  if (the_client()) {
    throw std::logic_error(
        "register_forked_job_entry() must run before start_fork_server(): the fork server is a copy of this "
        "process made then");
  }
  job_entry = entry;
}

std::vector<int> fork_jobs(std::span<const forked_job_request> requests) {
  for (const auto& spec : requests) {
    if (spec.fds.size() > max_forked_job_fds) {
      throw std::invalid_argument("a forked job takes at most " + std::to_string(max_forked_job_fds) +
                                  " descriptors, not " + std::to_string(spec.fds.size()));
    }
  }
  if (job_entry == nullptr && !requests.empty()) {
    throw std::logic_error("no entry point for forked jobs is registered (register_forked_job_entry)");
  }
  return running_client().fork_jobs(requests);
}

void kill_forked_worker(int pid) { running_client().kill(pid); }

std::optional<process_exit> wait_forked_worker(int pid, std::chrono::milliseconds timeout) {
  return running_client().wait(pid, timeout);
}

}  // namespace concbench
