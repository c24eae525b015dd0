#include "harness/model/model_io.h"

namespace tb {

TensorMap model_state(torch::nn::Module& model) {
  TensorMap out;
  for (const auto& p : model.named_parameters()) out[p.key()] = p.value().detach();
  return out;
}

void load_model_state(torch::nn::Module& model, const TensorMap& tensors) {
  torch::NoGradGuard no_grad;
  size_t matched = 0;
  for (auto& p : model.named_parameters()) {
    const auto it = tensors.find(p.key());
    if (it == tensors.end()) throw std::runtime_error("checkpoint has no tensor " + p.key());
    if (it->second.sizes() != p.value().sizes()) {
      throw std::runtime_error("checkpoint tensor " + p.key() + " has shape " + c10::str(it->second.sizes()) +
                               ", the model expects " + c10::str(p.value().sizes()));
    }
    p.value().copy_(it->second);
    ++matched;
  }
  if (matched != tensors.size()) throw std::runtime_error("checkpoint has tensors the model does not");
}

void save_model(LlamaForCausalLM& model, const std::filesystem::path& path) {
  save_safetensors(path, model_state(*model), {{"config", model->config.to_json().dump()}, {"format", "pt"}});
}

LlamaForCausalLM load_model(const std::filesystem::path& path) {
  const SafetensorsFile file = load_safetensors(path);
  const auto it = file.metadata.find("config");
  if (it == file.metadata.end()) throw std::runtime_error(path.string() + ": no \"config\" in the safetensors metadata");
  LlamaForCausalLM model(LlamaConfig::from_json(nlohmann::json::parse(it->second)));
  load_model_state(*model, file.tensors);
  return model;
}

}  // namespace tb
