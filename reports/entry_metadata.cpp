#include "reports/entry_metadata.hpp"

#include <stdexcept>

namespace concbench {

std::shared_ptr<entry_metadata> entry_registry::add(entry_metadata entry) {
  auto name = entry.name;
  auto stored = std::make_shared<entry_metadata>(std::move(entry));
  if (!entries_.emplace(name, stored).second) throw std::invalid_argument("two entries are named " + name);
  return stored;
}

std::shared_ptr<entry_metadata> entry_registry::find(const std::string& name) const {
  const auto found = entries_.find(name);
  return found == entries_.end() ? nullptr : found->second;
}

}  // namespace concbench
