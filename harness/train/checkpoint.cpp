#include "harness/train/checkpoint.h"

#include <map>

#include "harness/model/rotary.h"
#include "harness/model/generator_state.h"
#include "harness/train/optimizer_state.h"
#include "methods/method.h"

namespace tb {
namespace {

constexpr int kCheckpointFormat = 1;

// Archive keys are plain ("t0", "t1", ...); the names they stand for live in the JSON
// header, so any parameter name round-trips.
class TensorList {
 public:
  void add(const std::string& name, const torch::Tensor& t) {
    names.push_back(name);
    tensors.push_back(t.detach());
  }
  std::vector<std::string> names;
  std::vector<torch::Tensor> tensors;
};

torch::Tensor json_to_tensor(const nlohmann::json& j) {
  const std::string text = j.dump();
  return torch::from_blob(const_cast<char*>(text.data()), {int64_t(text.size())}, torch::kUInt8).clone();
}

nlohmann::json tensor_to_json(const torch::Tensor& t) {
  const auto bytes = t.contiguous();
  return nlohmann::json::parse(std::string(static_cast<const char*>(bytes.data_ptr()), size_t(bytes.numel())));
}

std::vector<torch::Tensor> optimizer_params(torch::optim::Optimizer& optimizer) {
  std::vector<torch::Tensor> out;
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) out.push_back(p);
  }
  return out;
}

std::string state_key(const torch::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); }

// RoPE tables are derived from the config, as in Hugging Face's checkpoints.
bool is_saved_buffer(const std::string& name) {
  return name.find(std::string(kRotaryEmbeddingName) + ".") == std::string::npos;
}

void copy_into(torch::Tensor& target, const torch::Tensor& value, const std::string& name) {
  if (!target.sizes().equals(value.sizes()))
    throw std::runtime_error("checkpoint does not fit the model: " + name + " has another shape");
  torch::NoGradGuard no_grad;
  target.copy_(value);
}

}  // namespace

void save_checkpoint(const std::filesystem::path& file, const std::string& run_key, torch::nn::Module& model,
                     torch::optim::Optimizer& optimizer, const Method& method, const TrainProgress& progress,
                     const nlohmann::json& extra) {
  TensorList list;
  for (const auto& p : model.named_parameters()) list.add("model." + p.key(), p.value());
  for (const auto& b : model.named_buffers()) {
    if (is_saved_buffer(b.key())) list.add("buffer." + b.key(), b.value());
  }
  const auto params = optimizer_params(optimizer);
  auto& state = optimizer.state();
  nlohmann::json steps = nlohmann::json::object();
  for (size_t i = 0; i < params.size(); ++i) {
    const auto found = state.find(state_key(params[i]));
    if (found == state.end()) continue;
    const auto* adamw = dynamic_cast<const torch::optim::AdamWParamState*>(found->second.get());
    if (adamw == nullptr) throw std::runtime_error("checkpoints support the AdamW optimisers only");
    const std::string prefix = "optim." + std::to_string(i) + ".";
    steps[std::to_string(i)] = adamw->step();
    list.add(prefix + "exp_avg", adamw->exp_avg());
    list.add(prefix + "exp_avg_sq", adamw->exp_avg_sq());
    if (adamw->max_exp_avg_sq().defined()) list.add(prefix + "max_exp_avg_sq", adamw->max_exp_avg_sq());
    if (const auto* per_entry = dynamic_cast<const PerEntryAdamWState*>(adamw)) list.add(prefix + "age", per_entry->age);
  }
  std::map<std::string, torch::Tensor> method_tensors;
  nlohmann::json method_values = nlohmann::json::object();
  method.save_state(method_tensors, method_values);
  for (const auto& [name, t] : method_tensors) list.add("method." + name, t);
  for (const auto& [name, state] : generator_states()) list.add(name == "cpu" ? "rng" : "rng." + name, state);
  const nlohmann::json header = {
      {"format", kCheckpointFormat},
      {"run_key", run_key},
      {"progress", {{"step", progress.step}, {"loss_sum", progress.loss_sum}, {"loss_count", progress.loss_count},
                    {"tokens", progress.tokens}, {"seconds", progress.seconds}}},
      {"optimizer_steps", steps},
      {"method", method_values},
      {"names", list.names},
      {"extra", extra}};
  torch::serialize::OutputArchive archive;
  archive.write("header", json_to_tensor(header));
  for (size_t i = 0; i < list.tensors.size(); ++i) archive.write("t" + std::to_string(i), list.tensors[i]);
  const auto temporary = file.string() + ".tmp";
  try {
    archive.save_to(temporary);
    std::filesystem::rename(temporary, file);
  } catch (...) {  // a full disk: leave the previous checkpoint, not a partial one
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

std::optional<RestoredCheckpoint> load_checkpoint(const std::filesystem::path& file, const std::string& run_key,
                                                  torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                                                  Method& method) {
  if (!std::filesystem::exists(file)) return std::nullopt;
  torch::serialize::InputArchive archive;
  archive.load_from(file.string());
  torch::Tensor header_tensor;
  archive.read("header", header_tensor);
  const auto header = tensor_to_json(header_tensor);
  if (header.at("format").get<int>() != kCheckpointFormat || header.at("run_key") != run_key) return std::nullopt;
  std::map<std::string, torch::Tensor> saved;
  const auto names = header.at("names").get<std::vector<std::string>>();
  for (size_t i = 0; i < names.size(); ++i) {
    torch::Tensor t;
    archive.read("t" + std::to_string(i), t);
    saved[names[i]] = t;
  }
  auto take = [&](const std::string& name) {
    const auto found = saved.find(name);
    if (found == saved.end()) throw std::runtime_error("checkpoint does not fit the model: no " + name);
    return found->second;
  };
  for (auto& p : model.named_parameters()) copy_into(p.value(), take("model." + p.key()), p.key());
  for (auto& b : model.named_buffers()) {
    if (is_saved_buffer(b.key())) copy_into(b.value(), take("buffer." + b.key()), b.key());
  }

  const auto params = optimizer_params(optimizer);
  for (const auto& [index, step] : header.at("optimizer_steps").items()) {
    const size_t i = std::stoul(index);
    if (i >= params.size()) throw std::runtime_error("checkpoint does not fit the optimiser");
    const std::string prefix = "optim." + index + ".";
    std::unique_ptr<torch::optim::AdamWParamState> s;
    if (saved.count(prefix + "age")) {
      auto per_entry = std::make_unique<PerEntryAdamWState>();
      per_entry->age = take(prefix + "age").to(params[i].device(), /*non_blocking=*/false, /*copy=*/true);
      s = std::move(per_entry);
    } else {
      s = std::make_unique<torch::optim::AdamWParamState>();
    }
    s->step(step.get<int64_t>());
    auto on_device = [&](const char* name) { return take(prefix + name).to(params[i].device(), false, true); };
    s->exp_avg(on_device("exp_avg"));
    s->exp_avg_sq(on_device("exp_avg_sq"));
    if (saved.count(prefix + "max_exp_avg_sq")) s->max_exp_avg_sq(on_device("max_exp_avg_sq"));
    optimizer.state()[state_key(params[i])] = std::move(s);
  }
  std::map<std::string, torch::Tensor> method_tensors;
  for (const auto& [name, t] : saved) {
    if (name.rfind("method.", 0) == 0) method_tensors[name.substr(7)] = t;
  }
  method.load_state(method_tensors, header.at("method"));
  std::map<std::string, torch::Tensor> generators = {{"cpu", take("rng")}};
  for (const auto& [name, t] : saved) {
    if (name.rfind("rng.", 0) == 0) generators[name.substr(4)] = t;
  }
  restore_generator_states(generators);
  const auto& p = header.at("progress");
  RestoredCheckpoint out;
  out.progress = {p.at("step").get<int64_t>(), p.at("loss_sum").get<double>(), p.at("loss_count").get<int64_t>(),
                  p.at("tokens").get<int64_t>(), p.at("seconds").get<double>()};
  out.extra = header.at("extra");
  return out;
}

}  // namespace tb
