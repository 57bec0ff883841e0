#pragma once
// Numbers as they appear in names and messages: shortest form, no trailing zeros.

#include <string>

namespace concbench {

std::string format_number(double value);

}  // namespace concbench
