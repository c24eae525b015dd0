// EVA (Paischer et al., "One Initialization to Rule them All: Fine-tuning via Explained
// Variance Adaptation", 2024), Algorithm 1, as PEFT's lora/eva.py computes it:
//  1. the inputs of every target projection are gathered on training batches, keeping
//     the positions whose label is not -100 in Hugging Face's unshifted alignment
//     (use_label_mask): the inputs at the answer tokens and the EOS, never the prompt
//     (eva_pca_inputs); they feed an incremental PCA with round(rho * r) components
//     (batches with fewer rows are skipped);
//  2. a layer has converged when each of its first r_l components has cosine
//     similarity >= tau with the previous batch's; gathering stops when all have;
//  3. rank redistribution: the budget R = r * (number of targets) goes to the R largest
//     explained-variance ratios pooled over all targets, so r_l ranges over
//     [0, round(rho * r)] (0: no adapter);
//  4. A_l = the top r_l components (right singular vectors of the inputs), B = 0, and
//     alpha_l = alpha * r_l / r so that alpha_l / r_l = alpha / r.
// Choices: projections that read the same input (q, k, v; gate, up) share one PCA, as
// PEFT's equal-inputs deduplication does, each still taking its own share of the rank
// budget; the exact SVD replaces PEFT's svd_lowrank; ties in the pooled ratios go to
// the earlier module; gathering stops after max_batches batches even if unconverged; a
// row already max_position_embeddings long gives no EOS position (the model reads no
// further).
#include "methods/eva.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "harness/analysis/incremental_pca.h"
#include "methods/registry.h"
#include "methods/target_modules.h"

namespace tb {

EvaPcaInputs eva_pca_inputs(const Batch& batch, int64_t max_positions) {
  const auto counted = batch.labels != kIgnoreLabel;  // (B, T), shifted: label t follows input t
  const int64_t rows = batch.input_ids.size(0), t = batch.input_ids.size(1);
  // The appended column's filler (token 0) is overwritten by a label or never read: causal.
  auto ids = torch::cat({batch.input_ids, torch::zeros({rows, 1}, torch::kInt64)}, 1);
  // Each row's last counted label goes right after the input it follows.
  const auto last = (counted * torch::arange(1, t + 1)).argmax(1);  // (B) last counted t
  const auto has_label = counted.any(1);
  const auto r = torch::arange(rows).masked_select(has_label);
  const auto at = last.masked_select(has_label);
  ids.index_put_({r, at + 1}, batch.labels.index({r, at}));
  // PEFT's mask is the label mask shifted one position right.
  auto keep = torch::zeros({rows, t + 1}, torch::kBool);
  keep.narrow(1, 1, t).copy_(counted);
  const int64_t width = std::min(t + 1, max_positions);
  ids = ids.narrow(1, 0, width).contiguous();
  keep = keep.narrow(1, 0, width).contiguous();
  return {ids, keep.reshape({-1}).nonzero().squeeze(1)};
}

namespace {

// Records the projection's input on each forward pass; leaves the output unchanged.
class InputRecorder : public LinearAdapter {
 public:
  torch::Tensor adapt(const torch::Tensor& x, const torch::Tensor& y) override {
    last_input = x.detach();
    return y;
  }
  void merge_into(torch::Tensor&, torch::Tensor&) override {}
  torch::Tensor last_input;
};

// Projections reading the same input share a PCA: q/k/v read the attention input,
// gate/up the MLP input.
std::string input_of(const ProjectionInfo& p) {
  const std::string kind = (p.leaf == "q_proj" || p.leaf == "k_proj" || p.leaf == "v_proj")
                               ? "attention_input"
                           : (p.leaf == "gate_proj" || p.leaf == "up_proj") ? "mlp_input"
                                                                            : p.leaf;
  return std::to_string(p.layer) + "." + kind;
}

struct InputGroup {
  std::vector<size_t> members;  // indices into the target list
  std::string recorded_by;      // the member projection that records the input
  IncrementalPca pca;
  torch::Tensor previous;    // components after the previous fit
  torch::Tensor similarity;  // cosine similarity of each component with the previous fit
  bool converged = false;
};

}  // namespace

std::vector<torch::Tensor> Eva::prepare(LlamaForCausalLM& model, const MethodContext& context) {
  TORCH_CHECK(context.batches, "eva needs training batches to initialise from");
  freeze_all(*model);
  const auto targets = select_projections(options_.lora.target_modules, model->config);
  const int64_t r = options_.lora.rank;
  std::vector<InputGroup> groups;
  std::map<std::string, size_t> group_of_input;
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string key = input_of(targets[i]);
    if (!group_of_input.count(key)) {
      const int64_t components =
          std::min<int64_t>(std::llround(options_.rho * double(r)), targets[i].in);
      group_of_input[key] = groups.size();
      groups.push_back({{}, targets[i].name, IncrementalPca(components), {}, {}, false});
    }
    groups[group_of_input[key]].members.push_back(i);
  }
  std::vector<int64_t> rank(targets.size(), r);
  auto projections = model->projections();
  auto projection = [&](const std::string& name) {
    return std::find_if(projections.begin(), projections.end(),
                        [&](const auto& p) { return p.first == name; })
        ->second;
  };

  // Gather inputs until every group's first r_l components have converged.
  std::map<std::string, std::shared_ptr<InputRecorder>> recorders;
  for (auto& g : groups) {
    recorders[g.recorded_by] = std::make_shared<InputRecorder>();
    projection(g.recorded_by)->add_adapter("eva_recorder", recorders[g.recorded_by]);
  }
  model->eval();
  batches_used_ = 0;
  for (int64_t b = 0; b < options_.max_batches; ++b) {
    const EvaPcaInputs in =
        eva_pca_inputs(context.batches(b), model->config.max_position_embeddings);
    {
      torch::NoGradGuard no_grad;
      model->forward(in.input_ids);
    }
    ++batches_used_;
    const auto& keep = in.positions;
    for (auto& g : groups) {
      if (g.converged) continue;
      const auto x = recorders[g.recorded_by]->last_input;
      const auto rows = x.reshape({-1, x.size(-1)}).index_select(0, keep);
      if (rows.size(0) < g.pca.n_components())
        continue;  // fewer tokens than components: skipped, as PEFT
      g.previous = g.pca.fitted() ? g.pca.components().clone() : torch::Tensor();
      g.pca.partial_fit(rows);
      if (g.previous.defined())
        g.similarity = (g.previous * g.pca.components()).sum(1);  // unit rows
    }
    const bool all_fitted = std::all_of(groups.begin(), groups.end(),
                                        [](const InputGroup& g) { return g.pca.fitted(); });
    if (all_fitted) {
      // Rank redistribution over the pooled explained-variance ratios.
      std::vector<std::pair<double, size_t>> pooled;  // (ratio, target index)
      for (const auto& g : groups) {
        const auto ratio = g.pca.explained_variance_ratio();
        for (size_t m : g.members) {
          for (int64_t c = 0; c < ratio.size(0); ++c)
            pooled.emplace_back(ratio[c].item<double>(), m);
        }
      }
      std::stable_sort(pooled.begin(), pooled.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first; });
      std::fill(rank.begin(), rank.end(), 0);
      const size_t budget = std::min(pooled.size(), size_t(r) * targets.size());
      for (size_t i = 0; i < budget; ++i) ++rank[pooled[i].second];
    }
    bool all_converged = all_fitted;
    for (auto& g : groups) {
      int64_t needed = 0;
      for (size_t m : g.members) needed = std::max(needed, rank[m]);
      g.converged =
          g.similarity.defined() &&
          (needed == 0 ||
           (g.similarity.narrow(0, 0, std::min(needed, g.similarity.size(0))) >= options_.tau)
               .all()
               .item<bool>());
      all_converged = all_converged && g.converged;
    }
    if (all_converged) break;
  }
  for (auto& g : groups) projection(g.recorded_by)->merge_adapters();  // removes the recorders
  model->train();

  std::vector<torch::Tensor> params;
  torch::NoGradGuard no_grad;
  ranks_.clear();
  for (const auto& g : groups) {
    TORCH_CHECK(g.pca.fitted(), "eva: no batch had enough loss-bearing tokens for ", g.recorded_by);
    for (size_t m : g.members) {
      const ProjectionInfo& target = targets[m];
      const int64_t r_l = std::min(rank[m], g.pca.components().size(0));
      ranks_[target.name] = r_l;
      if (r_l == 0) continue;
      const double alpha_l = options_.adjust_scaling_factors
                                 ? options_.lora.alpha * double(r_l) / double(r)
                                 : options_.lora.alpha;
      auto adapter = std::make_shared<LoraAdapter>(
          target.in, target.out, r_l, lora_scale(alpha_l, r_l, options_.lora.use_rslora),
          options_.lora.dropout);
      auto A = g.pca.components().narrow(0, 0, r_l);
      if (options_.whiten) A = A / g.pca.singular_values().narrow(0, 0, r_l).sqrt().unsqueeze(1);
      adapter->A.copy_(A.to(torch::kFloat32));
      projection(target.name)->add_adapter("eva", adapter);
      params.push_back(adapter->A);
      params.push_back(adapter->B);
    }
  }
  return params;
}

MethodInfo eva_info() {
  Schema s = lora_family_schema(false);
  s.push_back(
      {.name = "rho",
       .type = FieldType::kNumber,
       .default_value = 2.0,
       .min = 1,
       .sweepable = true,
       .help = "components per layer: round(rho * rank); a layer's rank can grow up to that"});
  s.push_back({.name = "tau",
               .type = FieldType::kNumber,
               .default_value = 0.99,
               .min = 0,
               .max = 1,
               .sweepable = true,
               .help = "convergence threshold on the cosine similarity of consecutive components"});
  s.push_back({.name = "whiten", .type = FieldType::kBool, .default_value = false});
  s.push_back({.name = "adjust_scaling_factors",
               .type = FieldType::kBool,
               .default_value = true,
               .help = "alpha_l = alpha * r_l / rank, keeping the scale of every layer"});
  s.push_back({.name = "max_batches",
               .type = FieldType::kInt,
               .default_value = 200,
               .min = 1,
               .max = 100000,
               .help = "batches of training data gathered at most before initialising"});
  MethodInfo info{
      "eva",
      "EVA (Paischer et al. 2024): LoRA A from the right singular vectors of the inputs, ranks "
      "redistributed",
      s, &check_lora_family, [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
        EvaOptions o;
        o.lora = lora_options_from(hp);
        o.rho = hp.at("rho").get<double>();
        o.tau = hp.at("tau").get<double>();
        o.whiten = hp.at("whiten").get<bool>();
        o.adjust_scaling_factors = hp.at("adjust_scaling_factors").get<bool>();
        o.max_batches = hp.at("max_batches").get<int64_t>();
        return std::make_unique<Eva>(o);
      }};
  info.revision = 1;  // 1: the PCA sees the answer and EOS inputs, as PEFT's label mask
  return info;
}

}  // namespace tb
