#include "benchmarks/cli/cli_values.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cfloat>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <set>

#include "workloads/number_format.hpp"

namespace concbench {

bool parse_switch(const std::string& flag, const std::optional<std::string>& value) {
  std::string text = value.value_or("true");
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::set<std::string> yes{"on", "true", "yes", "1"}, no{"off", "false", "no", "0"};
  if (yes.count(text)) return true;
  if (no.count(text)) return false;
  throw cli_error(flag + ": '" + *value + "' is not one of on, off (or true, false, yes, no, 1, 0)");
}

long long parse_whole(const std::string& flag, const std::string& text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool whole_text = end == text.data() + text.size() && !text.empty();
  if (error == std::errc::result_out_of_range && whole_text) return text.front() == '-' ? LLONG_MIN : LLONG_MAX;
  if (error != std::errc() || !whole_text) throw cli_error(flag + ": '" + text + "' is not a whole number");
  return value;
}

double parse_number(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double value = text.empty() ? NAN : std::strtod(text.c_str(), &end);
  const bool whole_text = !text.empty() && end == text.c_str() + text.size();
  // 1e999: a number too large for a double, so the caller's range check names it.
  if (whole_text && std::isinf(value) && errno == ERANGE) return std::copysign(DBL_MAX, value);
  if (!whole_text || !std::isfinite(value)) throw cli_error(flag + ": '" + text + "' is not a number");
  return value;
}

double parse_positive(const std::string& flag, const std::string& text, double maximum, const std::string& why) {
  const double value = parse_number(flag, text);
  if (value <= 0) throw cli_error(flag + ": " + text + " must be greater than 0");
  if (value > maximum) throw cli_error(flag + ": " + text + " is above " + format_number(maximum) + " (" + why + ")");
  return value;
}

double parse_duration(const std::string& flag, const std::string& text, double maximum_seconds) {
  const auto refuse = [&](const std::string& why) -> double {
    throw cli_error(flag + ": '" + text + "' " + why + " (a duration: 90s, 5m, 1h, or seconds: 300)");
  };
  if (text.empty()) return refuse("is empty");
  double unit = 1;
  std::string number = text;
  switch (text.back()) {
    case 's':
      number.pop_back();
      break;
    case 'm':
      unit = 60;
      number.pop_back();
      break;
    case 'h':
      unit = 3600;
      number.pop_back();
      break;
    default:
      break;
  }
  // Digits and a point only: strtod would also take signs, exponents, hex and "inf".
  if (number.empty() || number.find_first_not_of("0123456789.") != std::string::npos) {
    return refuse("is not a duration");
  }
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) return refuse("is not a duration");
  const double seconds = value * unit;
  if (seconds <= 0) return refuse("must be longer than 0");
  if (seconds > maximum_seconds) return refuse("is longer than " + format_number(maximum_seconds) + " s");
  return seconds;
}

double parse_percentage(const std::string& flag, const std::string& text, double maximum) {
  std::string number = text;
  if (!number.empty() && number.back() == '%') number.pop_back();
  if (number.empty() || number.find_first_not_of("0123456789.") != std::string::npos) {
    throw cli_error(flag + ": '" + text + "' is not a percentage (e.g. 2% or 2)");
  }
  const double value = parse_number(flag, number);
  if (value <= 0) throw cli_error(flag + ": '" + text + "' must be above 0 %");
  if (value > maximum) throw cli_error(flag + ": '" + text + "' is above " + format_number(maximum) + " %");
  return value;
}

}  // namespace concbench
