#include "methods/registry.h"

#include <gtest/gtest.h>

#include "methods/method.h"

namespace tb {
namespace {

TEST(MethodRegistry, EveryMethodBuildsFromItsDefaults) {
  for (const auto& info : all_methods()) {
    nlohmann::json hp = nlohmann::json::object();
    for (const auto& f : info.hyperparameters) hp[f.name] = f.default_value;
    EXPECT_NE(info.make(hp), nullptr) << info.name;
    EXPECT_EQ(find_method(info.name), &info);
  }
  EXPECT_EQ(find_method("nope"), nullptr);
}

}  // namespace
}  // namespace tb
