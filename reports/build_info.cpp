#include "reports/build_info.hpp"

#include <boost/version.hpp>

namespace concbench {

nlohmann::json build_context() {
  return {{"compiler", "g++ " __VERSION__},
          {"flags", CONCBENCH_BUILD_FLAGS},
          {"build_type", CONCBENCH_BUILD_TYPE},
          {"boost_version", BOOST_LIB_VERSION},
          {"benchmark_version", CONCBENCH_BENCHMARK_VERSION},
          {"concbench_version", CONCBENCH_VERSION},
          {"git_commit", CONCBENCH_GIT_COMMIT}};
}

bool is_optimised_build() {
#ifdef NDEBUG
  return true;
#else
  return false;
#endif
}

}  // namespace concbench
