// The reasoning suite. Chained arithmetic mod 10 over k hops, an iGSM-lite (Ye et al. 2024,
// arXiv 2407.20311), answered directly and with chain of thought (Wei et al. 2022, arXiv
// 2201.11903); hop counts beyond the pretraining mixture's longest chain measure
// extrapolation, and the chain-of-thought gain is paired per problem. Multi-digit addition
// in plain and reversed-digit form (Lee et al. 2023, arXiv 2307.03381, §4). GSM8K from a
// user-given JSON Lines file, scored as lm-evaluation-harness's gsm8k task does (strict and
// flexible extraction; see harness/data/gsm8k.h). Every item: greedy generation, exact match on
// the final answer, and the teacher-forced log-probability of the gold answer.
#include "evaluators/reasoning.h"

#include <algorithm>
#include <tuple>

#include "evaluators/cached_responder.h"
#include "harness/common/check.h"
#include "harness/model/llama_config.h"
#include "harness/common/terminal_text.h"

namespace tb {
namespace {

bool has(const nlohmann::json& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string chain_name(ChainFormat f) {
  return f == ChainFormat::kDirect ? "chain_direct" : "chain_cot";
}
std::string addition_name(AdditionFormat f) {
  return f == AdditionFormat::kPlain ? "addition_plain" : "addition_reversed";
}

}  // namespace

ReasoningOptions ReasoningOptions::from_json(const nlohmann::json& j) {
  ReasoningOptions o;
  const auto& tasks = j.at("tasks");
  o.chain = has(tasks, "chain");
  o.addition = has(tasks, "addition");
  o.gsm8k = has(tasks, "gsm8k");
  o.chain_hops = j.at("chain_hops").get<std::vector<int64_t>>();
  for (const auto& f : j.at("chain_formats")) {
    o.chain_formats.push_back(f == "direct" ? ChainFormat::kDirect : ChainFormat::kChainOfThought);
  }
  std::sort(o.chain_formats.begin(), o.chain_formats.end());  // direct first: pairs alternate
  o.trained_hops = j.at("trained_hops").get<int64_t>();
  o.addition_digits = j.at("addition_digits").get<std::vector<int64_t>>();
  for (const auto& f : j.at("addition_formats")) {
    o.addition_formats.push_back(f == "plain" ? AdditionFormat::kPlain : AdditionFormat::kReversed);
  }
  o.items = j.at("items").get<int64_t>();
  if (o.gsm8k) {
    o.gsm8k_items = load_gsm8k_jsonl(j.at("gsm8k_file").get<std::string>());
    const int64_t limit = j.at("gsm8k_limit").get<int64_t>();
    if (limit > 0 && limit < int64_t(o.gsm8k_items.size())) o.gsm8k_items.resize(size_t(limit));
    const int64_t shots = j.at("gsm8k_num_fewshot").get<int64_t>();
    if (shots > 0) {
      o.gsm8k_fewshot = load_gsm8k_jsonl(j.at("gsm8k_fewshot_file").get<std::string>());
      o.gsm8k_fewshot.resize(size_t(shots));
    }
  }
  o.gsm8k_max_new_tokens = j.at("gsm8k_max_new_tokens").get<int64_t>();
  o.seed = j.at("seed").get<uint64_t>();
  o.batch_size = j.at("batch_size").get<int64_t>();
  return o;
}

const Schema& reasoning_schema() {
  static const Schema schema = {
      {.name = "tasks",
       .type = FieldType::kStringList,
       .default_value = {"chain", "addition"},
       .choices = {"chain", "addition", "gsm8k"},
       .help = "gsm8k needs gsm8k_file"},
      {.name = "chain_hops",
       .type = FieldType::kIntList,
       .default_value = {1, 2, 4, 8},
       .min = 1,
       .max = 25},
      {.name = "chain_formats",
       .type = FieldType::kStringList,
       .default_value = {"direct", "cot"},
       .choices = {"direct", "cot"}},
      {.name = "trained_hops",
       .type = FieldType::kInt,
       .default_value = 4,
       .min = 1,
       .max = 25,
       .help = "hop counts above this are reported as extrapolation (the mixture trains 1-4)"},
      {.name = "addition_digits",
       .type = FieldType::kIntList,
       .default_value = {2, 3, 4},
       .min = 1,
       .max = 18},
      {.name = "addition_formats",
       .type = FieldType::kStringList,
       .default_value = {"plain", "reversed"},
       .choices = {"plain", "reversed"}},
      {.name = "items",
       .type = FieldType::kInt,
       .default_value = 50,
       .min = 1,
       .max = 100000,
       .help = "items per task x size x format"},
      {.name = "gsm8k_file",
       .type = FieldType::kString,
       .default_value = "",
       .help = "GSM8K-format JSON Lines (question, answer with \"#### N\")"},
      {.name = "gsm8k_fewshot_file",
       .type = FieldType::kString,
       .default_value = "",
       .help = "exemplars for gsm8k_num_fewshot (lm-eval draws them from the train split)"},
      {.name = "gsm8k_num_fewshot",
       .type = FieldType::kInt,
       .default_value = 0,
       .min = 0,
       .max = 64},
      {.name = "gsm8k_limit",
       .type = FieldType::kInt,
       .default_value = 0,
       .min = 0,
       .max = kMaxEvalItems,
       .help = "0: every item"},
      {.name = "gsm8k_max_new_tokens",
       .type = FieldType::kInt,
       .default_value = 256,
       .min = 1,
       .max = kMaxTokens},
      {.name = "seed", .type = FieldType::kInt, .default_value = 0, .min = 0, .help = "item seed"},
      {.name = "batch_size", .type = FieldType::kInt, .default_value = 32, .min = 1, .max = 4096,
       .help = "items decoded together (equal lengths)"},
  };
  return schema;
}

void check_reasoning(const nlohmann::json& j, const LlamaConfig& model, const Tokenizer& tok, const JsonLocation& where) {
  const auto& tasks = j.at("tasks");
  if (tasks.empty()) where.key("tasks").fail("expected at least one of: chain, addition, gsm8k");
  const int64_t context = model.max_position_embeddings;
  auto fits = [&](const ReasoningItem& item) {  // BOS prompt answer EOS
    const auto ids = tok.encode_prompt_target(item.prompt, item.answer, true, true);
    return int64_t(ids.prompt.size() + ids.target.size()) <= context;
  };
  if (has(tasks, "chain")) {
    const auto hops = j.at("chain_hops");
    for (size_t i = 0; i < hops.size(); ++i) {
      Rng rng(0);
      if (!fits(make_chain_item(hops[i].get<int64_t>(), ChainFormat::kChainOfThought, rng,
                                Split::kHeldOut))) {
        where.key("chain_hops")
            .index(i)
            .fail("a chain of " + std::to_string(hops[i].get<int64_t>()) +
                  " hops does not fit the model's max_position_embeddings (" +
                  std::to_string(context) + ")");
      }
    }
  }
  if (has(tasks, "addition")) {
    const auto digits = j.at("addition_digits");
    for (size_t i = 0; i < digits.size(); ++i) {
      Rng rng(0);
      if (!fits(make_addition_item(digits[i].get<int64_t>(), AdditionFormat::kReversed, rng,
                                   Split::kHeldOut))) {
        where.key("addition_digits")
            .index(i)
            .fail("does not fit the model's max_position_embeddings (" + std::to_string(context) +
                  ")");
      }
    }
  }
  if (has(tasks, "gsm8k")) {
    const std::string file = j.at("gsm8k_file").get<std::string>();
    if (file.empty())
      where.key("gsm8k_file").fail("the gsm8k task needs a JSON Lines file of GSM8K items");
    try {
      load_gsm8k_jsonl(file);
    } catch (const UserError& e) {
      where.key("gsm8k_file").fail(e.what());
    }
    const int64_t shots = j.at("gsm8k_num_fewshot").get<int64_t>();
    if (shots > 0) {
      const std::string fewshot = j.at("gsm8k_fewshot_file").get<std::string>();
      if (fewshot.empty())
        where.key("gsm8k_fewshot_file").fail("gsm8k_num_fewshot > 0 needs a file of exemplars");
      try {
        if (int64_t(load_gsm8k_jsonl(fewshot).size()) < shots) {
          where.key("gsm8k_num_fewshot").fail("more exemplars than " + fewshot + " holds");
        }
      } catch (const UserError& e) {
        where.key("gsm8k_fewshot_file").fail(e.what());
      }
    }
  }
}

std::vector<SuiteItem> reasoning_items(const ReasoningOptions& o) {
  std::vector<SuiteItem> items;
  if (o.chain) {
    for (int64_t hops : o.chain_hops) {
      for (int64_t i = 0; i < o.items; ++i) {
        for (ChainFormat format : o.chain_formats) {
          Rng rng(o.seed ^ fnv1a("chain/hops=" + std::to_string(hops) + "/" + std::to_string(i)));
          const ReasoningItem item = make_chain_item(hops, format, rng, Split::kHeldOut);
          const std::string name = chain_name(format);
          items.push_back(
              {name + "/hops=" + std::to_string(hops) + "/" + std::to_string(i),
               {item.prompt, item.answer, chain_max_answer_tokens(hops, format) + 1, ""},
               [format, item](const std::string& out) { return chain_score(format, item, out); },
               {{"task", name}, {"hops", hops}, {"problem", i}}});
        }
      }
    }
  }
  if (o.addition) {
    for (AdditionFormat format : o.addition_formats) {
      for (int64_t digits : o.addition_digits) {
        for (int64_t i = 0; i < o.items; ++i) {
          Rng rng(o.seed ^
                  fnv1a("addition/digits=" + std::to_string(digits) + "/" + std::to_string(i)));
          const ReasoningItem item = make_addition_item(digits, format, rng, Split::kHeldOut);
          const std::string name = addition_name(format);
          items.push_back({name + "/digits=" + std::to_string(digits) + "/" + std::to_string(i),
                           {item.prompt, item.answer, int64_t(item.answer.size()) + 1, ""},
                           [item](const std::string& out) { return addition_score(item, out); },
                           {{"task", name}, {"digits", digits}}});
        }
      }
    }
  }
  return items;
}

EvalOutput Reasoning::evaluate(EvalContext& ctx) {
  const auto base = base_responder(ctx, "reasoning", options_.batch_size);
  ModelResponder tuned(ctx.tuned, ctx.tokenizer(), options_.batch_size);
  return evaluate(*base, tuned);
}

EvalOutput Reasoning::evaluate(Responder& base, Responder& tuned) const {
  const std::string suite = "reasoning";
  const std::vector<SuiteItem> items = reasoning_items(options_);
  EvalOutput out;
  const SuiteScores scores = score_suite_items(suite, items, base, tuned, out);
  auto select = [&](auto keep) {
    std::vector<size_t> subset;
    for (size_t i = 0; i < items.size(); ++i) {
      if (keep(items[i].meta)) subset.push_back(i);
    }
    return subset;
  };
  for (ChainFormat format : options_.chain_formats) {
    if (!options_.chain) break;
    const std::string name = chain_name(format);
    add_score_aggregates(out, suite, name, {}, scores,
                         select([&](const auto& m) { return m.at("task") == name; }));
    for (int64_t hops : options_.chain_hops) {
      add_score_aggregates(
          out, suite, name, {{"hops", std::to_string(hops)}}, scores,
          select([&](const auto& m) { return m.at("task") == name && m.at("hops") == hops; }));
    }
    const auto beyond = select([&](const auto& m) {
      return m.at("task") == name && m.at("hops").template get<int64_t>() > options_.trained_hops;
    });
    if (!beyond.empty())
      add_score_aggregates(out, suite, name + "_extrapolation", {}, scores, beyond);
  }
  if (options_.chain && options_.chain_formats.size() == 2) {
    // Chain-of-thought gain, paired per problem: items alternate direct, cot.
    for (int m = 0; m < 2; ++m) {
      const ModelScores& s = m == 0 ? scores.base : scores.tuned;
      std::vector<double> gain;
      for (size_t i = 0; i + 1 < items.size(); i += 2) {
        if (items[i].meta.at("task") != "chain_direct") break;
        gain.push_back(s.score[i + 1] - s.score[i]);
      }
      out.aggregates.push_back(
          make_aggregate(suite, m == 0 ? "base" : "tuned", "chain_cot_gain", mean_estimate(gain)));
    }
  }
  for (AdditionFormat format : options_.addition_formats) {
    if (!options_.addition) break;
    const std::string name = addition_name(format);
    add_score_aggregates(out, suite, name, {}, scores,
                         select([&](const auto& m) { return m.at("task") == name; }));
    for (int64_t digits : options_.addition_digits) {
      add_score_aggregates(
          out, suite, name, {{"digits", std::to_string(digits)}}, scores,
          select([&](const auto& m) { return m.at("task") == name && m.at("digits") == digits; }));
    }
  }
  if (options_.gsm8k) {
    // One generation per question, scored by both of lm-eval's filters.
    std::vector<Query> queries;
    for (const auto& item : options_.gsm8k_items) {
      queries.push_back({gsm8k_prompt(item, options_.gsm8k_fewshot), " " + item.answer,
                         options_.gsm8k_max_new_tokens, gsm8k_stop_sequence()});
    }
    SuiteScores strict, flexible;
    for (int m = 0; m < 2; ++m) {
      const std::string model = m == 0 ? "base" : "tuned";
      const auto responses = (m == 0 ? base : tuned).respond(queries);
      for (size_t i = 0; i < responses.size(); ++i) {
        const Gsm8kItem& item = options_.gsm8k_items[i];
        const std::string answer = truncate_at_stop(responses[i].output, gsm8k_stop_sequences());
        const double s = gsm8k_match(gsm8k_strict_extract(answer), item.answer) ? 1.0 : 0.0;
        const double f = gsm8k_match(gsm8k_flexible_extract(answer), item.answer) ? 1.0 : 0.0;
        for (auto [name, score, into] :
             {std::tuple{"gsm8k_strict", s, &strict}, std::tuple{"gsm8k_flexible", f, &flexible}}) {
          ModelScores& ms = m == 0 ? into->base : into->tuned;
          ms.score.push_back(score);
          ms.logprob.push_back(responses[i].answer_logprob);
          out.items.push_back(
              {suite,
               model,
               std::string(name) + "/line=" + std::to_string(item.line),
               score,
               responses[i].answer_logprob,
               {{"task", name}, {"line", item.line}, {"gold", terminal_safe(item.answer)}, {"output", terminal_safe(answer)}}});
        }
      }
    }
    std::vector<size_t> all(options_.gsm8k_items.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    add_score_aggregates(out, suite, "gsm8k_strict", {}, strict, all);
    add_score_aggregates(out, suite, "gsm8k_flexible", {}, flexible, all);
  }
  return out;
}

}  // namespace tb
