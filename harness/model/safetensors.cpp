#include "harness/model/safetensors.h"

#include <torch/torch.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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

namespace {

std::runtime_error malformed(const std::filesystem::path& path, const std::string& why) {
  return std::runtime_error(path.string() + ": not a valid safetensors file: " + why);
}

void read_exactly(int fd, char* out, uint64_t bytes, uint64_t offset, const std::filesystem::path& path) {
  while (bytes > 0) {
    const ssize_t n = ::pread(fd, out, bytes, static_cast<off_t>(offset));
    if (n <= 0) throw malformed(path, "truncated");
    out += n;
    bytes -= uint64_t(n);
    offset += uint64_t(n);
  }
}

struct FileDescriptor {
  explicit FileDescriptor(const std::filesystem::path& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd < 0) throw std::runtime_error(path.string() + ": cannot open: " + std::strerror(errno));
  }
  ~FileDescriptor() { ::close(fd); }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int fd;
};

SafetensorsEntry entry_of(const std::string& name, const nlohmann::json& info, uint64_t data_size,
                          const std::filesystem::path& path) {
  SafetensorsEntry e;
  e.name = name;
  e.dtype = dtype_from_name(info.at("dtype").get<std::string>(), path);
  e.shape = info.at("shape").get<std::vector<int64_t>>();
  const auto offsets = info.at("data_offsets").get<std::vector<uint64_t>>();
  if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data_size)
    throw malformed(path, "bad data_offsets for " + name);
  e.begin = offsets[0];
  e.end = offsets[1];
  int64_t numel = 1;
  for (int64_t d : e.shape) numel *= d;
  if (uint64_t(numel) * c10::elementSize(e.dtype) != e.end - e.begin) throw malformed(path, "size mismatch for " + name);
  return e;
}

}  // namespace

SafetensorsHeader read_safetensors_header(const std::filesystem::path& path) {
  const FileDescriptor file(path);
  const uint64_t file_size = std::filesystem::file_size(path);
  if (file_size < 8) throw malformed(path, "shorter than its 8-byte header length");
  unsigned char length[8];
  read_exactly(file.fd, reinterpret_cast<char*>(length), 8, 0, path);
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t(length[i]) << (8 * i);
  if (n > file_size - 8) throw malformed(path, "header length exceeds the file size");
  std::string text(n, '\0');
  read_exactly(file.fd, text.data(), n, 8, path);
  const nlohmann::json header = nlohmann::json::parse(text, nullptr, false);
  if (header.is_discarded() || !header.is_object()) throw malformed(path, "header is not a JSON object");
  SafetensorsHeader out;
  out.data_start = 8 + n;
  try {
    for (const auto& [name, info] : header.items()) {
      if (name == "__metadata__") {
        for (const auto& [k, v] : info.items()) out.metadata[k] = v.get<std::string>();
        continue;
      }
      out.entries.push_back(entry_of(name, info, file_size - out.data_start, path));
    }
  } catch (const nlohmann::json::exception& e) {
    throw malformed(path, e.what());
  }
  return out;
}

void read_safetensors_tensor(const std::filesystem::path& path, const SafetensorsHeader& header,
                             const SafetensorsEntry& entry, torch::Tensor& dest, const torch::Tensor* scratch) {
  const FileDescriptor file(path);
  const uint64_t bytes = entry.end - entry.begin;
  const uint64_t offset = header.data_start + entry.begin;
  if (dest.scalar_type() == entry.dtype && dest.is_contiguous() && dest.device().is_cpu()) {
    read_exactly(file.fd, static_cast<char*>(dest.data_ptr()), bytes, offset, path);
    return;
  }
  const bool reuse = scratch != nullptr && uint64_t(scratch->numel()) >= bytes;
  auto buffer = reuse ? scratch->narrow(0, 0, int64_t(bytes)).view(entry.dtype).view(entry.shape)
                      : torch::empty(entry.shape, torch::TensorOptions().dtype(entry.dtype));
  read_exactly(file.fd, static_cast<char*>(buffer.data_ptr()), bytes, offset, path);
  dest.copy_(buffer.view(dest.sizes()));
}

SafetensorsFile load_safetensors(const std::filesystem::path& path) {
  const SafetensorsHeader header = read_safetensors_header(path);
  SafetensorsFile out;
  out.metadata = header.metadata;
  for (const auto& e : header.entries) {
    auto t = torch::empty(e.shape, torch::TensorOptions().dtype(e.dtype));
    read_safetensors_tensor(path, header, e, t);
    out.tensors[e.name] = t;
  }
  return out;
}

}  // namespace tb
