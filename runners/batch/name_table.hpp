#pragma once
// The names of an enumeration's values as they appear in reports, grammar names and flags, kept
// in one table per enumeration, read both ways: a value's name, and the value a name stands for.

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace concbench {

template <typename Kind, std::size_t N>
using name_table = std::pair<Kind, std::string_view>[N];

// "unknown" for a value the table leaves out.
template <typename Kind, std::size_t N>
constexpr std::string_view name_in(const name_table<Kind, N>& table, Kind kind) {
  for (const auto& [k, name] : table) {
    if (k == kind) return name;
  }
  return "unknown";
}

template <typename Kind, std::size_t N>
constexpr std::optional<Kind> kind_in(const name_table<Kind, N>& table, std::string_view name) {
  for (const auto& [k, n] : table) {
    if (n == name) return k;
  }
  return std::nullopt;
}

}  // namespace concbench
