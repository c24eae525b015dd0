#include "harness/model/hf_checkpoint.h"

#include <map>
#include <set>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/model/hf_config.h"
#include "harness/model/safetensors.h"

namespace tb {
namespace fs = std::filesystem;

namespace {

const char* const kIndexFile = "model.safetensors.index.json";

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool ignored_tensor(const std::string& name, const LlamaConfig& c) {
  return ends_with(name, "rotary_emb.inv_freq") || (c.tie_word_embeddings && name == "lm_head.weight");
}

std::string shape_text(c10::IntArrayRef shape) { return c10::str(shape); }

// The largest entry stored in another dtype than float32: the one conversion buffer.
uint64_t largest_converted_entry(const std::vector<SafetensorsHeader>& headers) {
  uint64_t largest = 0;
  for (const auto& h : headers)
    for (const auto& e : h.entries)
      if (e.dtype != torch::kFloat32) largest = std::max(largest, e.end - e.begin);
  return largest;
}

}  // namespace

std::vector<fs::path> hf_weight_files(const fs::path& folder) {
  if (fs::exists(folder / "model.safetensors")) return {folder / "model.safetensors"};
  const fs::path index_file = folder / kIndexFile;
  if (!fs::exists(index_file))
    throw UserError(folder.string() + ": no model.safetensors or " + kIndexFile +
                    "; expected a Hugging Face model folder with safetensors weights");
  const auto index = nlohmann::json::parse(read_file(index_file), nullptr, false);
  if (index.is_discarded() || !index.contains("weight_map") || !index["weight_map"].is_object())
    throw UserError(index_file.string() + ": weight_map: expected an object {tensor: file}");
  std::set<std::string> names;
  for (const auto& [tensor, file] : index["weight_map"].items()) {
    if (!file.is_string() || file.get<std::string>().find('/') != std::string::npos)
      throw UserError(index_file.string() + ": weight_map." + tensor + ": expected a file name in the folder");
    names.insert(file.get<std::string>());
  }
  std::vector<fs::path> out;
  for (const auto& name : names) {
    if (!fs::exists(folder / name))
      throw UserError(index_file.string() + ": lists " + name + ", which is not in the folder");
    out.push_back(folder / name);
  }
  return out;
}

LlamaForCausalLM load_hf_model(const fs::path& folder) {
  const LlamaConfig config = read_hf_config(folder);
  LlamaForCausalLM model(config, WeightInit::kEmpty);
  std::map<std::string, torch::Tensor> wanted;
  torch::NoGradGuard no_grad;
  for (auto& p : model->named_parameters()) {
    wanted[p.key()] = p.value();
  }
  const std::vector<fs::path> files = hf_weight_files(folder);
  std::vector<SafetensorsHeader> headers;
  for (const fs::path& file : files) headers.push_back(read_safetensors_header(file));
  const torch::Tensor scratch = torch::empty({int64_t(largest_converted_entry(headers))}, torch::kUInt8);
  for (size_t f = 0; f < files.size(); ++f) {
    const fs::path& file = files[f];
    const SafetensorsHeader& header = headers[f];
    for (const SafetensorsEntry& e : header.entries) {
      if (ignored_tensor(e.name, config)) continue;
      const auto it = wanted.find(e.name);
      if (it == wanted.end())
        throw UserError(file.string() + ": tensor " + e.name + " is not a parameter of " +
                        config.model_type + " model described by config.json");
      if (e.dtype != torch::kFloat32 && e.dtype != torch::kBFloat16 && e.dtype != torch::kFloat16)
        throw UserError(file.string() + ": tensor " + e.name + " is " + c10::toString(e.dtype) +
                        "; expected F32, BF16 or F16");
      if (c10::IntArrayRef(e.shape) != it->second.sizes())
        throw UserError(file.string() + ": tensor " + e.name + " has shape " + shape_text(e.shape) +
                        ", config.json implies " + shape_text(it->second.sizes()));
      read_safetensors_tensor(file, header, e, it->second, &scratch);
      wanted.erase(it);
    }
  }
  if (!wanted.empty())
    throw UserError(folder.string() + ": the checkpoint has no tensor " + wanted.begin()->first + " (shape " +
                    shape_text(wanted.begin()->second.sizes()) + ")" +
                    (wanted.size() > 1 ? " and " + std::to_string(wanted.size() - 1) + " more" : ""));
  return model;
}

namespace {

// Consecutive runs of tensors (in name order) of at most max_bytes each.
std::vector<TensorMap> shards_of(const TensorMap& tensors, uint64_t max_bytes) {
  std::vector<TensorMap> shards(1);
  uint64_t size = 0;
  for (const auto& [name, t] : tensors) {
    const uint64_t bytes = uint64_t(t.numel()) * t.element_size();
    if (size > 0 && size + bytes > max_bytes) {
      shards.emplace_back();
      size = 0;
    }
    shards.back()[name] = t;
    size += bytes;
  }
  return shards;
}

std::string shard_name(size_t i, size_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "model-%05zu-of-%05zu.safetensors", i + 1, n);
  return buf;
}

void write_weights(LlamaForCausalLM& model, const fs::path& dir, const HfExportOptions& o) {
  const auto dtype = o.torch_dtype == "bfloat16" ? torch::kBFloat16 : torch::kFloat32;
  TensorMap tensors;
  uint64_t total = 0;
  for (const auto& p : model->named_parameters()) {
    tensors[p.key()] = p.value().detach().to(torch::kCPU, dtype).contiguous();
    total += uint64_t(tensors[p.key()].numel()) * tensors[p.key()].element_size();
  }
  const std::vector<TensorMap> shards = shards_of(tensors, o.max_shard_bytes);
  if (shards.size() == 1) {
    save_safetensors(dir / "model.safetensors", tensors, {{"format", "pt"}});
    return;
  }
  nlohmann::ordered_json index = {{"metadata", {{"total_size", total}}}, {"weight_map", nlohmann::json::object()}};
  for (size_t i = 0; i < shards.size(); ++i) {
    save_safetensors(dir / shard_name(i, shards.size()), shards[i], {{"format", "pt"}});
    for (const auto& [name, t] : shards[i]) index["weight_map"][name] = shard_name(i, shards.size());
  }
  write_file_atomically(dir / kIndexFile, index.dump(2) + "\n");
}

// tokenizer.json, tokenizer_config.json, special_tokens_map.json and the like.
void copy_tokenizer_files(const fs::path& from, const fs::path& to) {
  if (from.empty()) return;
  for (const auto& entry : fs::directory_iterator(from)) {
    const std::string name = entry.path().filename().string();
    const bool tokenizer_file = name.rfind("tokenizer", 0) == 0 || name == "special_tokens_map.json" ||
                                name == "added_tokens.json" || name == "vocab.json" || name == "merges.txt" ||
                                name == "chat_template.jinja";
    if (tokenizer_file && entry.is_regular_file()) fs::copy_file(entry.path(), to / name);
  }
}

}  // namespace

void save_peft_adapter(const PeftAdapter& adapter, const fs::path& folder) {
  if (fs::exists(folder)) throw UserError(folder.string() + ": already exists; export writes a new folder");
  const fs::path partial = folder.string() + ".partial";
  fs::remove_all(partial);
  fs::create_directories(partial);
  write_file_atomically(partial / "adapter_config.json", adapter.config.dump(2) + "\n");
  TensorMap tensors;
  for (const auto& [name, t] : adapter.tensors) tensors[name] = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  save_safetensors(partial / "adapter_model.safetensors", tensors, {{"format", "pt"}});
  fs::rename(partial, folder);
}

void save_hf_model(LlamaForCausalLM& model, const fs::path& folder, const HfExportOptions& o) {
  if (fs::exists(folder)) throw UserError(folder.string() + ": already exists; export writes a new folder");
  const auto config = hf_config_json(model->config, o.torch_dtype, o.token_ids);
  const fs::path partial = folder.string() + ".partial";
  fs::remove_all(partial);
  fs::create_directories(partial);
  write_file_atomically(partial / "config.json", config.dump(2) + "\n");
  nlohmann::ordered_json generation = {{"do_sample", false}};
  for (const auto& [k, v] : o.token_ids.items()) generation[k] = v;
  write_file_atomically(partial / "generation_config.json", generation.dump(2) + "\n");
  write_weights(model, partial, o);
  copy_tokenizer_files(o.tokenizer_folder, partial);
  fs::rename(partial, folder);
}

}  // namespace tb
