#pragma once
// What concbench knows about one benchmark entry beyond Google Benchmark's run: its
// structured fields, its ideal and bound, and the timeline of a typical batch. The benchmark
// side fills it; the report writer reads it.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace concbench {

struct entry_metadata {
  std::string name;       // the grammar name, e.g. cpu/threads/W:2/pool:cold/scale:100
  nlohmann::json fields;  // workload, model, workers, workers_label, loop_threads, inflight, pool,
                          // task_form, tasks, params
  double ideal_ns = 0;
  double bound_ns = 0;
  // When set, the ideal and the bound are not known in advance but measured by the same run:
  // both are the median of the entry of this name (a start-up floor), as the report holds it.
  // Until that entry has a median the rows carry no ideal, bound or efficiency.
  std::string ideal_entry;
  // Entries with the same key run the same batch: speedup compares to the sequential one.
  std::string comparison_key;
  bool is_sequential = false;
  nlohmann::json timeline;  // columns of the batch closest to the median of the repetitions; null until one ran
  // Figures of the entry as a whole, measured once by an untimed probe batch after its last
  // timed repetition (peak_rss_bytes, cpu_user_ns, ...): an object of numbers that the report
  // puts on the entry's iteration, mean and median rows; null until the probe ran.
  nlohmann::json entry_figures;
  // Where each repetition of this entry ran in the whole run (0-based positions over every
  // entry's repetitions, in the order this entry's ran): with random interleaving the order is
  // Google Benchmark's shuffle, which cannot be seeded, so the report records it instead. The
  // report puts position k on the row of repetition k as `run_position`.
  std::vector<long long> run_positions;
};

// Entries by grammar name (Google Benchmark's function name).
class entry_registry {
 public:
  std::shared_ptr<entry_metadata> add(entry_metadata entry);
  std::shared_ptr<entry_metadata> find(const std::string& name) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, std::shared_ptr<entry_metadata>> entries_;
};

}  // namespace concbench
