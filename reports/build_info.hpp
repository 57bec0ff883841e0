#pragma once
// What the report says about how concbench was built (CMake passes the facts in).

#include <nlohmann/json.hpp>

namespace concbench {

nlohmann::json build_context();
bool is_optimised_build();

}  // namespace concbench
