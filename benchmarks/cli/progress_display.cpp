#include "benchmarks/cli/progress_display.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "benchmarks/cli/lead_statistics.hpp"
#include "reports/report_document.hpp"

namespace concbench {

std::string format_duration_ns(double ns) {
  const char* unit = "ns";
  double value = ns;
  if (ns >= 1e9) {
    value = ns / 1e9;
    unit = "s";
  } else if (ns >= 1e6) {
    value = ns / 1e6;
    unit = "ms";
  } else if (ns >= 1e3) {
    value = ns / 1e3;
    unit = "us";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g %s", value, unit);
  return buffer;
}

namespace {

struct time_unit_choice {
  double ns;
  const char* name;
};

time_unit_choice unit_for(double ns) {
  if (ns >= 1e9) return {1e9, "s"};
  if (ns >= 1e6) return {1e6, "ms"};
  if (ns >= 1e3) return {1e3, "us"};
  return {1, "ns"};
}

}  // namespace

std::string format_estimate_ns(double estimate_ns, std::optional<std::pair<double, double>> interval_ns) {
  const auto unit = unit_for(estimate_ns);
  char buffer[96];
  if (interval_ns) {
    std::snprintf(buffer, sizeof buffer, "%.3g %s [%.3g, %.3g]", estimate_ns / unit.ns, unit.name,
                  interval_ns->first / unit.ns, interval_ns->second / unit.ns);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g %s", estimate_ns / unit.ns, unit.name);
  }
  return buffer;
}

std::string describe_entry_result(const std::vector<nlohmann::json>& rows) {
  // Repetitions measured and failed; the first failure's message.
  int measured = 0, failed = 0;
  std::string first_error;
  for (const auto& row : rows) {
    if (row.value("run_type", "") != "iteration") continue;
    if (!row.value("error_occurred", false)) {
      ++measured;
    } else if (failed++ == 0) {
      first_error = row.value("error_message", std::string("(no message)"));
    }
  }
  if (failed > 0 && measured == 0) return "FAILED: " + first_error;
  // The median aggregate, or with one measured repetition its iteration row.
  const nlohmann::json* shown = nullptr;
  const nlohmann::json* cv = nullptr;
  for (const auto& row : rows) {
    const auto aggregate = row.value("aggregate_name", "");
    if (aggregate == "median") shown = &row;
    if (aggregate == "cv") cv = &row;
    if (!shown && row.value("run_type", "") == "iteration" && !row.value("error_occurred", false)) shown = &row;
  }
  if (!shown) return "no measurement";
  char buffer[96];
  // The lead estimator's row (the report's own aggregate): its estimate and 95 % interval, or
  // why it has none.
  std::string line;
  bool lead_shown = false;
  for (const auto& row : rows) {
    if (row.value("aggregate_name", "") != lead_name() || !row.contains("time_unit")) continue;
    if (!row.at("real_time").is_number()) continue;
    const double unit_ns = nanoseconds_per(row.at("time_unit"));
    std::optional<std::pair<double, double>> interval;
    if (row.contains("interval_low") && row.contains("interval_high") && row.at("interval_low").is_number() &&
        row.at("interval_high").is_number()) {
      interval = {row.at("interval_low").get<double>() * unit_ns, row.at("interval_high").get<double>() * unit_ns};
    }
    line = std::string(lead_name()) + " " + format_estimate_ns(row.at("real_time").get<double>() * unit_ns, interval);
    if (!interval) line += " (no 95 % interval yet)";
    if (row.value("imprecise", false) && row.contains("half_width_pct") && row.at("half_width_pct").is_number()) {
      std::snprintf(buffer, sizeof buffer, " imprecise: ±%.1f %%", row.at("half_width_pct").get<double>());
      line += buffer;
    }
    // The speedup and efficiency of the lead estimate, with their intervals: what the tools show.
    const auto ratio = [&](const char* key, const char* interval_key, const char* format) {
      if (!row.contains(key) || !row.at(key).is_number()) return;
      std::snprintf(buffer, sizeof buffer, format, row.at(key).get<double>());
      line += buffer;
      const auto found = row.find(interval_key);
      if (found != row.end() && found->is_array() && found->size() == 2 && (*found)[0].is_number()) {
        std::snprintf(buffer, sizeof buffer, " [%.2f, %.2f]", (*found)[0].get<double>(), (*found)[1].get<double>());
        line += buffer;
      }
    };
    ratio("speedup", "speedup_interval", "  speedup %.2fx");
    ratio("efficiency", "efficiency_interval", "  efficiency %.2f");
    if (row.contains("measurement_error")) line += "  " + row.value("measurement_error", "");
    line += "  median ";
    lead_shown = true;
  }
  const double ns = shown->at("real_time").get<double>() * nanoseconds_per(shown->at("time_unit"));
  line += format_duration_ns(ns);
  if (cv && cv->at("real_time").is_number()) {
    std::snprintf(buffer, sizeof buffer, " ± %.1f %%", cv->at("real_time").get<double>() * 100);
    line += buffer;
  }
  // Without a lead row (one repetition), the median's (the iteration row's) ratios.
  if (!lead_shown && shown->contains("speedup")) {
    std::snprintf(buffer, sizeof buffer, "  speedup %.2fx", shown->at("speedup").get<double>());
    line += buffer;
  }
  if (!lead_shown && shown->contains("efficiency")) {
    std::snprintf(buffer, sizeof buffer, "  efficiency %.2f", shown->at("efficiency").get<double>());
    line += buffer;
  }
  // The row's ideal: for a start-up entry it is its floor, measured by this run.
  if (shown->contains("ideal") && shown->at("ideal").get<double>() > 0) {
    line += "  (ideal " +
            format_duration_ns(shown->at("ideal").get<double>() * nanoseconds_per(shown->at("time_unit"))) + ")";
  }
  // What a workload without an ideal measures instead: dispatch cost, lost updates, throughput.
  const auto figure = [&](const char* key) -> std::optional<double> {
    const auto found = shown->find(key);
    if (found == shown->end() || !found->is_number()) return std::nullopt;
    return found->get<double>();
  };
  if (shown->value("workload", "") == "empty") {
    if (const auto per_task = figure("dispatch_ns_per_task"))
      line += "  " + format_duration_ns(*per_task) + " per task";
  }
  if (const auto lost = figure("lost_updates")) {
    std::snprintf(buffer, sizeof buffer, "  lost %.0f of %.0f updates", *lost, figure("expected_updates").value_or(0));
    line += buffer;
  }
  if (const auto rate = figure("items_per_second")) {
    std::snprintf(buffer, sizeof buffer, "  %.3g items/s", *rate);
    line += buffer;
  }
  // The stability verdict (report_document.hpp), when the repetitions were noisy.
  if (const auto stability = shown->find("stability");
      stability != shown->end() && stability->is_object() && stability->value("verdict", "") == "noisy") {
    std::snprintf(buffer, sizeof buffer, "  noisy: cv %.1f %%", stability->value("cv", 0.0) * 100);
    line += buffer;
    const int outliers = stability->value("outliers", 0);
    if (outliers > 0) line += ", " + std::to_string(outliers) + (outliers == 1 ? " outlier" : " outliers");
  }
  // Some repetitions measured, some not: the figures above rest on the measured ones only.
  if (failed > 0) {
    const auto of = std::to_string(measured) + " of " + std::to_string(measured + failed) + " repetitions measured";
    line += first_error.rfind("interrupted", 0) == 0 ? "  incomplete: " + of + " (interrupted)"
                                                     : "  FAILED in part: " + of + "; " + first_error;
  }
  return line;
}

std::string format_time_left(double seconds) {
  const auto whole = static_cast<long long>(seconds + 0.5);
  char buffer[48];
  if (whole < 60) {
    std::snprintf(buffer, sizeof buffer, "%lld s", whole);
  } else if (whole < 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld min %02lld s", whole / 60, whole % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld h %02lld min", whole / 3600, whole % 3600 / 60);
  }
  return buffer;
}

std::map<std::string, std::vector<std::string>> line_dependencies(const std::vector<const entry_metadata*>& entries) {
  std::map<std::string, std::vector<std::string>> waits;
  std::set<std::string> names;
  for (const auto* entry : entries) names.insert(entry->name);
  for (const auto* entry : entries) {
    auto& list = waits[entry->name];
    if (!entry->ideal_entry.empty() && names.count(entry->ideal_entry)) list.push_back(entry->ideal_entry);
    if (entry->is_sequential) continue;
    for (const auto* other : entries) {
      if (other->is_sequential && other->comparison_key == entry->comparison_key) list.push_back(other->name);
    }
  }
  return waits;
}

progress_display::progress_display(std::ostream& out, std::vector<planned_entry> entries, settings how)
    : out_(out), settings_(how) {
  settings_.repetitions = std::max(settings_.repetitions, 0);
  for (auto& entry : entries) {
    estimated_total_ += entry.estimated_seconds;
    order_.push_back(entry.name);
    const auto name = entry.name;
    entries_[name].plan = std::move(entry);
  }
  repetitions_total_ = static_cast<long long>(entries_.size()) * settings_.repetitions;
}

double progress_display::seconds_left() const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (settings_.repetitions == 0) {
    return std::max(settings_.budget_seconds - settings_.spent_before_seconds - elapsed, 0.0);  // at most
  }
  const double left = std::max(estimated_total_ - estimated_done_, 0.0);
  // Trust the observed pace only once it rests on a few seconds of estimates.
  const double pace = estimated_done_ > 2 ? std::clamp(elapsed / estimated_done_, 0.25, 4.0) : 1.0;
  return left * pace;
}

std::string progress_display::status_text(const entry_state& last, const std::string& lead) const {
  const std::string entries_done =
      std::to_string(entries_done_) + "/" + std::to_string(entries_.size()) + " entries done";
  std::string what = last.plan.name;
  what += ' ';
  what += std::to_string(last.repetitions_done);
  if (settings_.repetitions > 0) {
    what += '/';
    what += std::to_string(settings_.repetitions);
  }
  if (!lead.empty()) {
    what += ' ';
    what += lead;
  }
  if (settings_.repetitions == 0) {
    // As many rounds as the precision asks: no total to count down, a budget to spend.
    const double elapsed = settings_.spent_before_seconds +
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return "round " + std::to_string(round_ + 1) + " · rep " + std::to_string(repetitions_done_) + " · " + what +
           " · " + entries_done + " · " + format_time_left(elapsed) + " of the " +
           format_time_left(settings_.budget_seconds) + " budget";
  }
  char share[32];
  std::snprintf(share, sizeof share, " (%d %%)",
                static_cast<int>(100.0 * static_cast<double>(repetitions_done_) /
                                 static_cast<double>(std::max(repetitions_total_, 1LL))));
  std::string text =
      "rep " + std::to_string(repetitions_done_) + "/" + std::to_string(repetitions_total_) + share + " · " + what;
  text += " · " + entries_done;
  if (repetitions_done_ < repetitions_total_ && estimated_total_ > 0) {
    text += " · about " + format_time_left(seconds_left()) + " left";
  }
  return text;
}

void progress_display::show_status(const std::string& text) {
  // A line wider than the terminal wraps, and "\r" would then rewrite only its last part.
  const auto width = static_cast<std::size_t>(std::max(settings_.terminal_width - 1, 10));
  std::string shown = text;
  if (shown.size() > width) shown = shown.substr(0, width - 3) + "...";  // (bytes: "·" counts 2)
  out_ << "\r\033[K" << shown << std::flush;
  status_shown_ = true;
}

void progress_display::clear_status() {
  if (!status_shown_) return;
  out_ << "\r\033[K";
  status_shown_ = false;
}

void progress_display::repetition_done(const std::string& entry_name, const std::string& lead) {
  const auto found = entries_.find(entry_name);
  if (found == entries_.end()) return;
  auto& entry = found->second;
  ++entry.repetitions_done;
  ++repetitions_done_;
  if (settings_.repetitions > 0) estimated_done_ += entry.plan.estimated_seconds / settings_.repetitions;
  const auto text = status_text(entry, lead);
  if (settings_.terminal_width > 0) {
    last_status_ = text;
    show_status(text);
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  const bool first = repetitions_done_ == 1;
  const bool last = settings_.repetitions > 0 && repetitions_done_ >= repetitions_total_;
  if (first || last || now - last_logged_ >= std::chrono::duration<double>(settings_.log_every_seconds)) {
    out_ << "  " << text << std::endl;
    last_logged_ = now;
  }
}

void progress_display::entry_done(const entry_metadata& entry, const std::vector<nlohmann::json>& rows) {
  auto& state = entries_[entry.name];
  if (state.plan.name.empty()) state.plan.name = entry.name;  // not planned (a test's collector)
  if (!state.done) ++entries_done_;
  state.done = true;
  state.rows = rows;
  print_ready_lines();
}

void progress_display::print_ready_lines() {
  for (bool printed_one = true; printed_one;) {
    printed_one = false;
    for (const auto& name : order_) {
      auto& entry = entries_.at(name);
      if (!entry.done || entry.printed) continue;
      const bool ready = std::all_of(entry.plan.waits_for.begin(), entry.plan.waits_for.end(), [&](const auto& other) {
        const auto found = entries_.find(other);
        return found == entries_.end() || found->second.done;
      });
      if (!ready) continue;
      print_entry_line(entry);
      printed_one = true;
    }
    // Entries the plan did not name (none in a run; a test may report them) print at once.
    for (auto& [name, entry] : entries_) {
      if (entry.done && !entry.printed && std::find(order_.begin(), order_.end(), name) == order_.end()) {
        print_entry_line(entry);
        printed_one = true;
      }
    }
  }
}

void progress_display::print_entry_line(entry_state& entry) {
  entry.printed = true;
  ++lines_printed_;
  const auto total = std::max(entries_.size(), lines_printed_);
  const auto width = std::to_string(total).size();
  std::string counter = std::to_string(lines_printed_);
  counter.insert(0, width - std::min(width, counter.size()), ' ');
  const auto rows = rows_ ? rows_(entry.plan.name) : entry.rows;
  clear_status();
  out_ << "[" << counter << "/" << total << "] " << entry.plan.name << "  " << describe_entry_result(rows);
  if (settings_.repetitions > 0 && repetitions_done_ < repetitions_total_ && estimated_total_ > 0) {
    out_ << "  · about " << format_time_left(seconds_left()) << " left";
  }
  out_ << "\n";
  // The status line again, below the line that took its place.
  const bool more = settings_.repetitions == 0 || repetitions_done_ < repetitions_total_;
  if (settings_.terminal_width > 0 && !last_status_.empty() && more) {
    show_status(last_status_);
  }
  out_ << std::flush;
}

void progress_display::finish() {
  last_status_.clear();
  for (const auto& name : order_) {
    auto& entry = entries_.at(name);
    if (entry.done && !entry.printed) print_entry_line(entry);
  }
  clear_status();
  out_ << std::flush;
}

}  // namespace concbench
