#pragma once
// `concbench serve`: the http server as a process of its own. It prints its URL as one line
// on stdout (what http_server_process reads, and what a person pastes into curl or into
// --http-url on another machine) and stops cleanly on SIGINT or SIGTERM.

#include <span>
#include <string>
#include <vector>

#include "workloads/http/http_server.hpp"

namespace concbench {

struct serve_options : http_server_options {
  // Also stop when stdin reaches EOF: http_server_process gives the server a pipe whose write
  // end only the parent holds, so a parent that dies without stopping it (SIGKILL, a crash)
  // still takes its server along instead of leaving an orphan holding the port.
  bool stop_on_stdin_eof = false;
};

// The serve flags, shared by the command line and by http_server_process so both agree:
//   --port P  --delay-ms D  --body-bytes B  --bind ADDRESS  --close  --idle-timeout-ms T
//   --threads N  --stop-on-stdin-eof   (each valued one also as --flag=value; each at most once)
// Throws std::invalid_argument naming the bad, unknown or repeated argument, in one line (what
// the user typed is quoted with its control bytes escaped).
serve_options parse_serve_arguments(std::span<const std::string> arguments);
std::vector<std::string> serve_arguments(const serve_options& options);

// Runs the server in this process until SIGINT or SIGTERM (or stdin's EOF when asked): 0
// after a clean stop, 1 (with a message on stderr) when it cannot listen, cannot start its
// threads or its options are bad. The URL is printed only once it serves on every thread, so
// a server that fails has printed nothing on stdout.
int serve_main(const serve_options& options);

}  // namespace concbench
