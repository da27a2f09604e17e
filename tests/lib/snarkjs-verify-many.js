// SPDX-License-Identifier: MIT
//
// Verify many Groth16 proofs with snarkjs in one node process (starting
// snarkjs's curve costs about a second; a verification a few ms), for the
// proving-service tests that check hundreds of proofs.
//
//   NODE_PATH=<npm>/node_modules node snarkjs-verify-many.js LIST
//
// LIST has one "vk.json public.json proof.json" triple per line. Prints
// "ok PROOF" or "not ok PROOF: why" per line; exits 0 only if all verified.
'use strict';
const fs = require('fs');
const snarkjs = require('snarkjs');

async function main() {
	const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.trim());
	const vks = new Map();
	let bad = 0;
	for (const line of lines) {
		const [vkPath, pubPath, proofPath] = line.trim().split(/\s+/);
		let ok = false, why = 'rejected';
		try {
			if (!vks.has(vkPath))
				vks.set(vkPath, JSON.parse(fs.readFileSync(vkPath, 'utf8')));
			const pub = JSON.parse(fs.readFileSync(pubPath, 'utf8'));
			const proof = JSON.parse(fs.readFileSync(proofPath, 'utf8'));
			ok = await snarkjs.groth16.verify(vks.get(vkPath), pub, proof, null);
		} catch (e) {
			why = String(e.message || e);
		}
		if (ok) {
			console.log(`ok ${proofPath}`);
		} else {
			bad++;
			console.log(`not ok ${proofPath}: ${why}`);
		}
	}
	return bad;
}

main().then((bad) => process.exit(bad ? 1 : 0), (e) => {
	console.error(e);
	process.exit(2);
});
