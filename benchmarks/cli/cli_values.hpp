#pragma once
// Reading one flag's value. Each function throws cli_error naming the flag and the value and
// saying what is wrong with it, so every caller's message reads the same way.

#include <optional>
#include <string>

#include "benchmarks/cli/cli_options.hpp"

namespace concbench {

// on/off, and Google Benchmark's spellings of a boolean: true/false, yes/no, 1/0 (in any case).
// A bare flag (no value) is on, as in Google Benchmark. Anything else is refused: Google
// Benchmark itself takes any word it does not know as true, which hides a typo.
bool parse_switch(const std::string& flag, const std::optional<std::string>& value);

// A whole number. One too large for a long long comes back as the largest (the smallest when
// negative), so the caller's range check names it as above its maximum, not as "not a number".
long long parse_whole(const std::string& flag, const std::string& text);

// A finite number (strtod's syntax: 0.5, 1e-3).
double parse_number(const std::string& flag, const std::string& text);

// A number above 0 and at most `maximum`; `why` says what the maximum protects against.
double parse_positive(const std::string& flag, const std::string& text, double maximum, const std::string& why);

// A duration in seconds: a number followed by s, m or h (90s, 5m, 1.5h), or a bare number of
// seconds (300). Above 0 and at most `maximum_seconds`.
double parse_duration(const std::string& flag, const std::string& text, double maximum_seconds);

// A percentage, with or without its sign (2%, 2, 0.5%): above 0 and at most `maximum`.
double parse_percentage(const std::string& flag, const std::string& text, double maximum);

}  // namespace concbench
