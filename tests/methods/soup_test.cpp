// Model soups (Wortsman et al. 2022): the uniform soup is the mean, exactly the model when
// the ingredients are identical; the greedy soup ranks by validation, accepts only
// improvements (ties as its `ties` rule says), and so never scores below its best
// ingredient.
#include "methods/soup.h"

#include <gtest/gtest.h>

#include "harness/common/check.h"
#include "methods/registry.h"
#include "tests/methods/posthoc_test_util.h"

namespace tb {
namespace {

TEST(Soup, UniformSoupOfIdenticalModelsIsTheModel) {
  const TensorMap base = testing::random_model(1);
  const TensorMap tuned = testing::tuned_from(base, 2);
  Soup soup({"uniform", 10});
  EXPECT_TRUE(testing::same_bits(soup.combine({base, {tuned, tuned, tuned}, nullptr}), tuned));
}

TEST(Soup, UniformSoupIsTheMean) {
  const TensorMap base = testing::random_model(1);
  const TensorMap a = testing::tuned_from(base, 2), b = testing::tuned_from(base, 3), c = testing::tuned_from(base, 4);
  Soup soup({"uniform", 10});
  const TensorMap out = soup.combine({base, {a, b, c}, nullptr});
  for (const auto& [k, v] : out) EXPECT_TRUE(torch::allclose(v, (a.at(k) + b.at(k) + c.at(k)) / 3, 1e-6, 1e-6)) << k;
}

// A validation score with a known optimum: closer to `target` is better.
ValidationScore closeness(const TensorMap& weights, const TensorMap& target) {
  double distance = 0;
  for (const auto& [k, v] : weights) distance += (v - target.at(k)).pow(2).sum().item<double>();
  return {-distance, 0};
}

TEST(Soup, GreedySoupNeverScoresBelowItsBestIngredient) {
  const TensorMap base = testing::random_model(1);
  for (uint64_t trial = 0; trial < 6; ++trial) {
    const TensorMap target = testing::tuned_from(base, 100 + trial);
    std::vector<TensorMap> ingredients;
    for (uint64_t i = 0; i < 4; ++i) ingredients.push_back(testing::tuned_from(base, 10 * trial + i, 0.05 + 0.1 * i));
    auto score = [&](const TensorMap& w) { return closeness(w, target); };
    Soup soup({"greedy", 10});
    const TensorMap out = soup.combine({base, ingredients, score});
    ValidationScore best = score(ingredients[0]);
    for (const auto& i : ingredients) {
      if (score(i) > best) best = score(i);
    }
    EXPECT_FALSE(best > score(out)) << "trial " << trial;
    const auto details = soup.details();
    EXPECT_GE(details.at("accepted").get<int64_t>(), 1);
    EXPECT_TRUE(details.at("steps")[0].at("accepted").get<bool>()) << "the best ingredient starts the soup";
  }
}

TEST(Soup, GreedySoupTakesAnIngredientOnlyWhenValidationImproves) {
  const TensorMap base = testing::random_model(1);
  const TensorMap a = testing::tuned_from(base, 2), b = testing::tuned_from(base, 3);
  // The target is the mean of a and b: the two-ingredient soup is perfect.
  TensorMap mean;
  for (const auto& [k, v] : a) mean[k] = (v + b.at(k)) / 2;
  Soup soup({"greedy", 10});
  const TensorMap out = soup.combine({base, {a, b}, [&](const TensorMap& w) { return closeness(w, mean); }});
  EXPECT_EQ(soup.details().at("accepted"), 2);
  for (const auto& [k, v] : out) EXPECT_TRUE(torch::allclose(v, mean.at(k), 1e-6, 1e-6));
  // The target is a itself: b only makes it worse and is rejected; the soup is a exactly.
  Soup picky({"greedy", 10});
  const TensorMap only_a = picky.combine({base, {b, a}, [&](const TensorMap& w) { return closeness(w, a); }});
  EXPECT_EQ(picky.details().at("accepted"), 1);
  EXPECT_TRUE(testing::same_bits(only_a, a));
}

// Both ingredients and their soup answer every item; the soup's answers are more probable.
TEST(Soup, GreedySoupRejectsAccuracyTiesByDefaultAsTheReferenceCode) {
  const TensorMap base = testing::random_model(1);
  const TensorMap a = testing::tuned_from(base, 2), b = testing::tuned_from(base, 3);
  TensorMap mean;
  for (const auto& [k, v] : a) mean[k] = (v + b.at(k)) / 2;
  auto tied = [&](const TensorMap& w) { return ValidationScore{1.0, closeness(w, mean).accuracy}; };
  auto accepted = [&](SoupOptions o) {
    Soup soup(o);
    soup.combine({base, {a, b}, tied});
    return soup.details().at("accepted").get<int64_t>();
  };
  EXPECT_EQ(accepted({.recipe = "greedy", .validation_items = 10}), 1) << "mlfoundations' >";
  EXPECT_EQ(accepted({.recipe = "greedy", .validation_items = 10, .ties = "accept"}), 2)
      << "Algorithm 1's >=";
  EXPECT_EQ(accepted({.recipe = "greedy", .validation_items = 10, .ties = "logprob"}), 2)
      << "the tie goes to the higher log-probability";
}

TEST(Soup, TiesRuleDecidesEqualAccuracies) {
  const ValidationScore soup{0.5, -1.0};
  for (const std::string ties : {"reject", "accept", "logprob"}) {
    EXPECT_TRUE(greedy_accepts(ties, {0.6, -9.0}, soup)) << ties << ": higher accuracy";
    EXPECT_FALSE(greedy_accepts(ties, {0.4, -0.1}, soup)) << ties << ": lower accuracy";
  }
  EXPECT_FALSE(greedy_accepts("reject", {0.5, -0.5}, soup));
  EXPECT_TRUE(greedy_accepts("accept", {0.5, -2.0}, soup));
  EXPECT_TRUE(greedy_accepts("logprob", {0.5, -0.5}, soup));
  EXPECT_FALSE(greedy_accepts("logprob", {0.5, -2.0}, soup));
  EXPECT_FALSE(greedy_accepts("logprob", soup, soup)) << "equal is not better";
}

TEST(Soup, UnknownTiesRuleIsRefusedBySchema) {
  const Schema& schema = find_method("soup")->hyperparameters;
  const JsonLocation at("spec.json", "methods[0]");
  try {
    validate_object({{"ties", "yes"}}, schema, at);
    ADD_FAILURE() << "accepted";
  } catch (const UserError& e) {
    EXPECT_NE(
        std::string(e.what()).find(
            "methods[0].ties: unknown value \"yes\"; expected one of: reject, accept, logprob"),
        std::string::npos)
        << e.what();
  }
  EXPECT_EQ(validate_object({{"ties", "accept"}}, schema, at).at("ties"), "accept");
  EXPECT_EQ(validate_object(nlohmann::json::object(), schema, at).at("ties"), "reject");
}

TEST(Soup, ValidationTiesAreBrokenByAnswerLogProbability) {
  EXPECT_TRUE((ValidationScore{0.5, -1.0} > ValidationScore{0.5, -2.0}));
  EXPECT_TRUE((ValidationScore{0.6, -9.0} > ValidationScore{0.5, -1.0}));
  EXPECT_FALSE((ValidationScore{0.5, -1.0} > ValidationScore{0.5, -1.0})) << "equal is not better";
}

}  // namespace
}  // namespace tb
