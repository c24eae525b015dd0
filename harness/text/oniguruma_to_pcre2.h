// tokenizer.json regular expressions are Oniguruma patterns (Hugging Face tokenizers compiles
// them with the onig crate, Ruby syntax); we run them with PCRE2. This translates the subset
// whose meaning we can keep exactly, and refuses the rest rather than run a look-alike.
//
// Translated: \s and \S become \p{White_Space} and \P{White_Space} (Oniguruma's Unicode \s is
// 0x09-0x0D, U+0085 and General_Category Z*, which is White_Space; PCRE2's \s adds U+180E);
// \v becomes \x0B (a vertical tab in Oniguruma, a class in PCRE2); \uHHHH becomes \x{HHHH};
// {,n} becomes {0,n}. Kept as they are: literals, escaped punctuation, \t \n \r \f \a \e,
// \xHH, \x{H..}, \d \D (both Nd), \A \z \Z, \p{..}/\P{..} of a general category, classes
// without nesting or &&, groups (?: (?= (?! (?<= (?<! (?> (?i: and (?<name>, quantifiers
// ? * + {n} {n,} {n,m} (lazy and possessive forms too), alternation, and `.` (any character but
// \n in both).
// Refused: anchors ^ $ (line anchors in Ruby syntax); \w \W \b \B \h \H (other character
// sets); back-references, \G \K \R \X; nested classes, POSIX brackets and &&; inline options
// other than (?i:...), including a bare (?i), whose reach across | differs between the two;
// scripts and binary properties in \p{..}; a {..}+ quantifier (possessive in PCRE2, a
// repeated repeat in Oniguruma).
// Known difference left: Oniguruma's (?i) also folds multi-character sequences (ß ~ ss); PCRE2
// folds single characters only; and the engines' Unicode tables may be of different versions.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace tb {

// Throws std::invalid_argument saying which construct is refused and why.
std::string oniguruma_to_pcre2(std::string_view pattern);

}  // namespace tb
