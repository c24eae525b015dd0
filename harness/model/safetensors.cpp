#include "harness/model/safetensors.h"

#include <torch/torch.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "harness/common/files.h"

namespace tb {
namespace {

struct DtypeName {
  torch::ScalarType type;
  const char* name;
};
constexpr DtypeName kDtypes[] = {
    {torch::kFloat32, "F32"}, {torch::kFloat64, "F64"}, {torch::kFloat16, "F16"}, {torch::kBFloat16, "BF16"},
    {torch::kInt64, "I64"},   {torch::kInt32, "I32"},   {torch::kInt16, "I16"},   {torch::kInt8, "I8"},
    {torch::kUInt8, "U8"},    {torch::kBool, "BOOL"},
};

const char* dtype_name(torch::ScalarType t) {
  for (const auto& d : kDtypes) {
    if (d.type == t) return d.name;
  }
  throw std::runtime_error(std::string("safetensors: unsupported dtype ") + c10::toString(t));
}

torch::ScalarType dtype_from_name(const std::string& name, const std::filesystem::path& path) {
  for (const auto& d : kDtypes) {
    if (name == d.name) return d.type;
  }
  throw std::runtime_error(path.string() + ": unsupported safetensors dtype \"" + name + "\"");
}

}  // namespace

void save_safetensors(const std::filesystem::path& path, const TensorMap& tensors,
                      const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<torch::Tensor> ordered;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {  // std::map: sorted by name
    auto t = tensor.detach().to(torch::kCPU).contiguous();
    const uint64_t bytes = t.numel() * t.element_size();
    header[name] = {{"dtype", dtype_name(t.scalar_type())}, {"shape", t.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    ordered.push_back(t);
  }
  std::string header_text = header.dump();
  while ((8 + header_text.size()) % 8 != 0) header_text.push_back(' ');  // align the data
  std::string out;
  out.reserve(8 + header_text.size() + offset);
  const uint64_t n = header_text.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += header_text;
  for (const auto& t : ordered) out.append(static_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
  write_file_atomically(path, out);
}

SafetensorsFile load_safetensors(const std::filesystem::path& path) {
  const std::string data = read_file(path);
  auto bad = [&](const std::string& why) { return std::runtime_error(path.string() + ": not a valid safetensors file: " + why); };
  if (data.size() < 8) throw bad("shorter than its 8-byte header length");
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t(static_cast<unsigned char>(data[i])) << (8 * i);
  if (n > data.size() - 8) throw bad("header length exceeds the file size");
  const nlohmann::json header = nlohmann::json::parse(data.substr(8, n), nullptr, false);
  if (header.is_discarded() || !header.is_object()) throw bad("header is not a JSON object");
  const uint64_t data_start = 8 + n;
  const uint64_t data_size = data.size() - data_start;
  SafetensorsFile out;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") {
      for (const auto& [k, v] : info.items()) out.metadata[k] = v.get<std::string>();
      continue;
    }
    const auto type = dtype_from_name(info.at("dtype").get<std::string>(), path);
    const auto shape = info.at("shape").get<std::vector<int64_t>>();
    const auto offsets = info.at("data_offsets").get<std::vector<uint64_t>>();
    if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data_size) throw bad("bad data_offsets for " + name);
    auto t = torch::empty(shape, torch::TensorOptions().dtype(type));
    if (uint64_t(t.numel() * t.element_size()) != offsets[1] - offsets[0]) throw bad("size mismatch for " + name);
    std::memcpy(t.data_ptr(), data.data() + data_start + offsets[0], offsets[1] - offsets[0]);
    out.tensors[name] = t;
  }
  return out;
}

}  // namespace tb
