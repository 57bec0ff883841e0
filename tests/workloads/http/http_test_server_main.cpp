// The binary http_server_process starts in the tests instead of concbench (which the tests do
// not link): `serve ...` is concbench's serve subcommand; the other words play servers that
// misbehave at start-up or shut-down, to check that the parent never hangs or leaves a zombie.
//   stubborn  prints a URL, then ignores SIGTERM (only SIGKILL ends it)
//   silent    never prints its URL
//   dies      exits with status 3 at once
//   garbled   prints a line of junk with control bytes in it instead of a URL
//   orphaning-parent  starts a real server through http_server_process, prints its pid and
//             dies without stopping it (as a crash would): the server must not outlive it

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include "workloads/http/http_serve.hpp"
#include "workloads/http/http_server_process.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  const std::string command = words.empty() ? "" : words.front();
  if (command == "serve") {
    try {
      return concbench::serve_main(concbench::parse_serve_arguments(std::span(words).subspan(1)));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 2;
    }
  }
  if (command == "stubborn") {
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, nullptr);
    std::printf("http://127.0.0.1:9/\n");
    std::fflush(stdout);
    for (;;) ::pause();
  }
  if (command == "silent") {
    for (;;) ::pause();
  }
  if (command == "dies") return 3;
  if (command == "garbled") {
    std::printf("not a URL\r\x1b[2K\n");
    std::fflush(stdout);
    for (;;) ::pause();
  }
  if (command == "orphaning-parent") {
    concbench::http_server_process_options options;
    options.executable = "/proc/self/exe";
    auto* server = new concbench::http_server_process(options);  // never destroyed: the point
    std::printf("%d\n", server->pid());
    std::fflush(stdout);
    ::_exit(0);
  }
  std::fprintf(stderr, "concbench_test_http_server: started only by the http tests\n");
  return 2;
}
