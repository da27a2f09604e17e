// SPDX-License-Identifier: MIT
// A multiplication chain, the usual prover benchmark shape: x[i] =
// x[i-1]^2 + b, one constraint per step, every signal a full-size field
// element. tools/snarkjs-circuit instantiates it with a main component.
pragma circom 2.0.0;

template Chain(N) {
    signal input a;
    signal input b;
    signal output out;
    signal x[N + 1];

    x[0] <== a;
    for (var i = 1; i <= N; i++) {
        x[i] <== x[i - 1] * x[i - 1] + b;
    }
    out <== x[N];
}
