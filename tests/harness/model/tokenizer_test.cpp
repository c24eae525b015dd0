#include "harness/model/tokenizer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tb {
namespace {

TEST(Tokenizer, BytesRoundTripAndSpecialsAreSkipped) {
  const std::string text = "rev(\xff\x01z)=";
  auto tokens = encode_bytes(text);
  EXPECT_EQ(tokens[4], 255);
  tokens.insert(tokens.begin(), kBosToken);
  tokens.push_back(kEosToken);
  EXPECT_EQ(decode_bytes(tokens), text);
}

TEST(Tokenizer, EscapedBytesAreValidJson) {
  const std::string raw = "ab\xff\n\\";
  EXPECT_EQ(escape_bytes(raw), "ab\\xff\\x0a\\x5c");
  EXPECT_NO_THROW(nlohmann::json(escape_bytes(raw)).dump());
  EXPECT_THROW(nlohmann::json(raw).dump(), nlohmann::json::type_error) << "raw bytes are not UTF-8";
}

}  // namespace
}  // namespace tb
