#pragma once
// The http server in a process of its own, so its loop thread is not in the measuring process:
// Boost.Process re-executes a concbench binary as `<exe> serve --port=0 ... --stop-on-stdin-eof`,
// reads the URL line it prints, and on destruction stops it (SIGTERM, a short wait, then
// SIGKILL) and reaps it: it never leaves a zombie. Its stdin is a pipe only this process can
// write to, so a parent killed before it could stop the server still takes the server along
// (no orphan keeps the port). Safe from a multi-threaded parent: the child execs at once and
// both pipes are close-on-exec here, so no other child inherits them.

#include <chrono>
#include <string>
#include <vector>

#include "workloads/http/http_serve.hpp"

namespace concbench {

struct http_server_process_options {
  serve_options server;                             // port 0 (the default) lets the kernel pick
  std::string executable;                           // empty: this binary (/proc/self/exe)
  std::vector<std::string> command{"serve"};        // the words before the flags
  std::chrono::milliseconds start_timeout{10'000};  // for the URL line
  std::chrono::milliseconds stop_timeout{2'000};    // from SIGTERM to SIGKILL
};

class http_server_process {
 public:
  // Returns once the server printed its URL. Throws std::runtime_error (after reaping the
  // child) when it cannot be started, exits or prints no URL within start_timeout.
  explicit http_server_process(http_server_process_options options);
  ~http_server_process();
  http_server_process(const http_server_process&) = delete;
  http_server_process& operator=(const http_server_process&) = delete;

  const std::string& url() const { return url_; }
  int pid() const { return pid_; }

  // Stops and reaps the server now (idempotent); returns its wait status (see waitpid(2)):
  // exited 0 after a clean SIGTERM stop, or killed by SIGKILL when it did not stop in time.
  int stop();

 private:
  // Keeps copies of the pipe ends (the child's stdout to read, its stdin to hold) and waits
  // for the URL line; throws when none comes.
  void read_url(const std::string& executable, int stdout_source, int stdin_sink);

  http_server_process_options options_;
  int pid_ = -1;
  int output_ = -1;    // read end of the child's stdout
  int lifeline_ = -1;  // write end of the child's stdin: closing it (or dying) stops the server
  int wait_status_ = 0;
  bool reaped_ = false;
  std::string url_;
};

// "exited with status 3", "killed by SIGKILL": for messages.
std::string describe_wait_status(int status);

}  // namespace concbench
