#pragma once
// What a test checks a process model left behind: this process's open descriptors, its child
// processes and the fork server's (zombies included: they stay on their parent's list).

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
std::set<int> children_of(int pid);
std::string describe(const census& c);

}  // namespace concbench::test
