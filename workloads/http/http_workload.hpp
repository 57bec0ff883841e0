#pragma once
// `http`: the tutorials' web scraper against a server we control. Task i is one GET of
// <url path>i?delay_ms=L&bytes=B; the server waits L (a timer) and answers B deterministic
// bytes that the client compares as they arrive and checksums, so every response is verified
// byte for byte without being held whole.

#include "workloads/http/http_client.hpp"
#include "workloads/http/http_url.hpp"
#include "workloads/workload.hpp"

namespace concbench {

class http_workload final : public workload {
 public:
  // `url`: the server (http_server_process::url() or --http-url); tasks N; server delay L in
  // ms; body B in bytes; a request that has no complete answer within timeout_ms fails;
  // keep_alive false: a new connection per request. Throws std::invalid_argument.
  http_workload(std::string url, int tasks, double delay_ms, std::int64_t body_bytes, double timeout_ms = 10'000,
                bool keep_alive = true);

  std::string name() const override { return "http"; }
  nlohmann::json params() const override;
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  std::vector<task_spec> make_batch() const override;
  task_result run_blocking(const task_spec& task, std::stop_token stop) const override;
  boost::asio::awaitable<task_result> run_awaitable(task_spec task, std::stop_token stop) const override;
  std::optional<std::string> verify(const task_spec& task, const task_result& result) const override;
  time_estimate estimate(std::span<const task_spec> batch, const execution_shape& shape,
                         const machine_constants& constants) const override;
  double nominal_sequential_ns() const override;

  // The URL task `index` fetches.
  http_url task_url(std::size_t index) const;

 private:
  http_request_options request_options(const task_spec& task) const;

  std::string url_text_;
  http_url base_;  // target: the path tasks are appended to, ending in '/'
  int tasks_;
  double delay_ms_;
  std::int64_t body_bytes_;
  double timeout_ms_;
  bool keep_alive_;
};

}  // namespace concbench
