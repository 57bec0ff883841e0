#pragma once
// A model under test, as the parameterised runner, fault and scenario tests name it.

#include <ostream>
#include <string>

#include "runners/batch/runner.hpp"

namespace concbench {

struct model_case {
  std::string label;
  run_settings settings;
};

// Test names and failure messages show the label, not the bytes of the settings.
inline void PrintTo(const model_case& c, std::ostream* out) { *out << c.label; }

// The settings of `model` with W workers, the task form and the loop threads; the rest as a
// run_settings starts.
inline run_settings settings_for(model_kind model, int workers = 1, task_form form = task_form::blocking,
                                 int loop_threads = 1) {
  run_settings settings;
  settings.model = model;
  settings.workers = workers;
  settings.form = form;
  settings.loop_threads = loop_threads;
  return settings;
}

}  // namespace concbench
