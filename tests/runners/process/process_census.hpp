#pragma once
// What a test checks a process model left behind: this process's open descriptors, its child
// processes and the fork server's (zombies included: they stay on their parent's list).

#include <chrono>
#include <set>
#include <string>

namespace concbench::test {

struct census {
  std::set<int> fds;
  std::set<int> children;
  std::set<int> server_children;
  bool operator==(const census&) const = default;
};

census take_census();
// The census once it equals `expected`, or as it is after `within`: what a killed process left
// (zombies re-parented to the fork server, its subreaper) is reaped a moment later, not at once.
census settled_census(const census& expected, std::chrono::milliseconds within = std::chrono::seconds(5));
std::set<int> children_of(int pid);
std::string describe(const census& c);

}  // namespace concbench::test
