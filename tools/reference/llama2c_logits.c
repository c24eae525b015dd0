/* Reference logits from karpathy/llama2.c's run.c, which is NOT part of this repository.
 *
 * Loads a llama2.c legacy checkpoint with run.c's build_transformer, feeds the given token
 * ids one position at a time through run.c's forward() and prints, as JSON,
 * {"implementation": IMPLEMENTATION, "token_ids": [...], "logits": [[vocab floats] per
 * position]} with %.9g floats (enough digits to round-trip float32).
 *
 * Build outside the repository against an unmodified run.c (see llama2c_fixtures.sh):
 *   gcc -O2 -DTESTING -I DIR_WITH_RUN_C tools/reference/llama2c_logits.c -lm
 * (-DTESTING leaves out run.c's main.)
 * Usage: llama2c_logits CHECKPOINT IMPLEMENTATION TOKEN_ID...
 */
#include "run.c"

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s CHECKPOINT IMPLEMENTATION TOKEN_ID...\n", argv[0]);
    return 1;
  }
  Transformer t;
  build_transformer(&t, argv[1]);
  const int n = argc - 3, vocab = t.config.vocab_size;
  if (n > t.config.seq_len) { fprintf(stderr, "more tokens than seq_len\n"); return 1; }

  printf("{\"implementation\": \"%s\",\n \"token_ids\": [", argv[2]);
  for (int pos = 0; pos < n; pos++) printf("%s%s", pos ? ", " : "", argv[3 + pos]);
  printf("],\n \"logits\": [\n");
  for (int pos = 0; pos < n; pos++) {
    const int token = atoi(argv[3 + pos]);
    if (token < 0 || token >= vocab) { fprintf(stderr, "token %d out of range\n", token); return 1; }
    const float* logits = forward(&t, token, pos);
    printf("  [");
    for (int i = 0; i < vocab; i++) printf("%s%.9g", i ? ", " : "", logits[i]);
    printf("]%s\n", pos + 1 < n ? "," : "");
  }
  printf(" ]}\n");
  free_transformer(&t);
  return 0;
}
