// Model soups (Wortsman et al., "Model soups: averaging weights of multiple fine-tuned
// models improves accuracy without increasing inference time", ICML 2022, Sec. 2 and
// Algorithm 1; reference code mlfoundations/model-soups main.py).
//   uniform: theta = (1/K) sum_k theta_k over every ingredient.
//   greedy:  sort the ingredients by validation score, best first; start the soup with the
//            best; add each next one only if the soup of the accepted ones plus it scores
//            higher on validation than the soup so far. "Higher" is `ties`: "reject" (the
//            default) is the reference code's strict ">" on accuracy, "accept" the
//            paper's Algorithm 1 ">=", "logprob" a strictly higher accuracy or an equal one
//            with a higher mean log-probability of the gold answers. The final soup never
//            scores below its first ingredient on validation.
// Choices: the score is exact-match accuracy on a few hundred items, where accuracies
// often tie; the sort breaks those ties by the answer log-probability (the reference's
// order among equal accuracies is the input order).
// The ingredients are a cell's parent runs: every run of the named entries with one seed
// (the entries' hyperparameter variants), all fine-tuned from the same base model.
// Validation items are the task's own split, disjoint from the training and test items.
#include "methods/soup.h"

#include <algorithm>
#include <numeric>

#include "methods/registry.h"

namespace tb {

TensorMap uniform_soup(const TensorMap& base, const std::vector<const TensorMap*>& ingredients) {
  const double w = 1.0 / double(ingredients.size());
  return linear_combination(
      base, ingredients, [](const std::string&) { return 0.0; }, [w](const std::string&, size_t) { return w; });
}

bool greedy_accepts(const std::string& ties, const ValidationScore& candidate,
                    const ValidationScore& soup) {
  if (ties == "accept") return candidate.accuracy >= soup.accuracy;
  if (ties == "logprob") return candidate > soup;
  return candidate.accuracy > soup.accuracy;
}

TensorMap Soup::combine(const PosthocInputs& in) {
  std::vector<const TensorMap*> all;
  for (const auto& p : in.parents) all.push_back(&p);
  if (options_.recipe == "uniform") {
    details_ = {{"recipe", "uniform"}, {"ingredients", all.size()}};
    return uniform_soup(in.base, all);
  }
  std::vector<ValidationScore> scores;
  for (const auto* p : all) scores.push_back(in.validation_score(*p));
  std::vector<size_t> order(all.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });

  std::vector<const TensorMap*> soup = {all[order[0]]};
  ValidationScore best = scores[order[0]];
  auto steps = nlohmann::json::array();
  steps.push_back({{"ingredient", order[0] + 1}, {"score", best.to_json()}, {"soup_score", best.to_json()},
                   {"accepted", true}});
  for (size_t k = 1; k < order.size(); ++k) {
    auto candidate = soup;
    candidate.push_back(all[order[k]]);
    const ValidationScore score = in.validation_score(uniform_soup(in.base, candidate));
    const bool accepted = greedy_accepts(options_.ties, score, best);
    steps.push_back({{"ingredient", order[k] + 1}, {"score", scores[order[k]].to_json()},
                     {"soup_score", score.to_json()},
                     {"accepted", accepted}});
    if (accepted) {
      soup = std::move(candidate);
      best = score;
    }
  }
  details_ = {{"recipe", "greedy"},
              {"ingredients", all.size()},
              {"accepted", soup.size()},
              {"validation_score", best.to_json()},
              {"ties", options_.ties},
              {"steps", steps},
              {"validation_items", options_.validation_items}};
  return soup.size() == 1 ? *soup[0] : uniform_soup(in.base, soup);
}

MethodInfo soup_info() {
  MethodInfo info{
      "soup",
      "model soup (Wortsman et al. 2022): uniform or greedy average of the runs of one seed",
      {
          {.name = "recipe",
           .type = FieldType::kString,
           .default_value = "uniform",
           .choices = {"uniform", "greedy"},
           .sweepable = true,
           .help = "average every ingredient, or add them best-first while validation improves"},
          {.name = "validation_items",
           .type = FieldType::kInt,
           .default_value = 200,
           .min = 1,
           .max = 100000,
           .help = "held-out task items that rank the ingredients and judge the greedy soup "
                   "(exact-match accuracy; the ranking breaks ties by answer log-probability)"},
          {.name = "ties",
           .type = FieldType::kString,
           .default_value = "reject",
           .choices = {"reject", "accept", "logprob"},
           .sweepable = true,
           .help = "greedy: keep an ingredient only on a strictly higher validation accuracy "
                   "(reject, the reference code's >), also on an equal one (accept, the "
                   "paper's >=), or on an equal one with a higher answer log-probability "
                   "(logprob)"},
      },
      nullptr,
      nullptr};
  info.make_posthoc = [](const nlohmann::json& hp) -> std::unique_ptr<PosthocMethod> {
    return std::make_unique<Soup>(
        SoupOptions{.recipe = hp.at("recipe").get<std::string>(),
                    .validation_items = hp.at("validation_items").get<int64_t>(),
                    .ties = hp.at("ties").get<std::string>()});
  };
  info.parents = ParentGrouping::kPerSeed;
  info.min_parents = 2;
  info.validation_items = [](const nlohmann::json& hp) -> int64_t {
    return hp.at("recipe") == "greedy" ? hp.at("validation_items").get<int64_t>() : 0;
  };
  return info;
}

}  // namespace tb
