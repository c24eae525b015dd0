#include "harness/common/terminal_text.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

TEST(TerminalSafe, ControlCharactersAreShownAsEscapes) {
  EXPECT_EQ(terminal_safe("\x1b[2J\x1b]0;owned\x07sweep"), "\\x1b[2J\\x1b]0;owned\\x07sweep");
  EXPECT_EQ(terminal_safe("a\rb\tc\x7f"), "a\\x0db\\x09c\\x7f");
  EXPECT_EQ(terminal_safe("two\nlines"), "two\\x0alines");
  EXPECT_EQ(terminal_safe("two\nlines\x1b", true), "two\nlines\\x1b");
}

TEST(TerminalSafe, TextPassesAndWhatATerminalActsOnDoesNot) {
  EXPECT_EQ(terminal_safe("lora rank=8 <b>&\"x_y% {a}$ |"), "lora rank=8 <b>&\"x_y% {a}$ |");
  EXPECT_EQ(terminal_safe("Δ naïve ‖ΔW‖₂ 😀"), "Δ naïve ‖ΔW‖₂ 😀");
  EXPECT_EQ(terminal_safe("\xc2\x9b"
                          "2J"),
            "\\u009b2J");  // C1 CSI, as UTF-8
  EXPECT_EQ(terminal_safe("abc\xe2\x80\xae"
                          "fed"),
            "abc\\u202efed");  // right-to-left override
  EXPECT_EQ(terminal_safe("\x9b"
                          "2J"),
            "\\x9b2J");                                         // a lone byte that is not UTF-8
  EXPECT_EQ(terminal_safe("\xc0\x9b"), "\\xc0\\x9b");           // an overlong form
  EXPECT_EQ(terminal_safe("cut \xe2\x80"), "cut \\xe2\\x80");   // a truncated sequence
  EXPECT_EQ(terminal_safe("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

}  // namespace
}  // namespace tb
