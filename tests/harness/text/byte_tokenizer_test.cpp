#include "harness/text/byte_tokenizer.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

TEST(ByteTokenizer, BytesRoundTripAndSpecialsAreSkipped) {
  const ByteTokenizer& tok = byte_tokenizer();
  const std::string text = "rev(\xff\x01z)=";
  auto tokens = tok.encode(text);
  EXPECT_EQ(tokens[4], 255);
  tokens.insert(tokens.begin(), kBosToken);
  tokens.push_back(kEosToken);
  EXPECT_EQ(tok.decode(tokens), text);
  EXPECT_EQ(tok.decode(tokens, /*skip_special=*/false), "<bos>" + text + "<eos>");
}

TEST(ByteTokenizer, FramingAndSpecialTokens) {
  const ByteTokenizer& tok = byte_tokenizer();
  EXPECT_EQ(tok.vocab_size(), 259);
  EXPECT_EQ(tok.encode_document("ab"), (std::vector<int64_t>{kBosToken, 'a', 'b', kEosToken}));
  EXPECT_EQ(tok.special().stop, std::vector<int64_t>{kEosToken});
  EXPECT_EQ(tok.special().pad, kPadToken);
  EXPECT_TRUE(tok.is_special(kPadToken));
  EXPECT_FALSE(tok.is_special(255));
  EXPECT_EQ(tok.token_to_id("<eos>"), kEosToken);
  EXPECT_EQ(tok.token_to_id("a"), 'a');
  EXPECT_EQ(tok.id_to_token('a'), "a");
  const auto pair = tok.encode_prompt_target("x=", "y", true, true);
  EXPECT_EQ(pair.prompt, (std::vector<int64_t>{kBosToken, 'x', '='}));
  EXPECT_EQ(pair.target, (std::vector<int64_t>{'y', kEosToken}));
}

}  // namespace
}  // namespace tb
