// The public SLIP-39 library (slip39, pinned in package.json) on our shares and theirs.
// Test-only; run by tests/cli/interop_slip39.sh and tests/cli/recovery.sh with NODE_PATH at the
// installed node_modules.
//   node slip39.js combine [PASSFILE] < mnemonics   the master secret as hex
//   node slip39.js split HEX PASSFILE GT T/N [T/N...] [--exp E] [--ext 0|1]
//                                                   mnemonics, one a line, groups apart by an
//                                                   empty line (as `ceremony slip39 split`)
// A passphrase file holds the passphrase with one trailing newline removed, as ours; "-" or no
// file is the empty passphrase.
'use strict';
const fs = require('fs');
const slip39 = require('slip39');

function die(msg) {
	process.stderr.write('slip39.js: ' + msg + '\n');
	process.exit(1);
}

function passphrase(file) {
	if (file === undefined || file === '-')
		return '';
	return fs.readFileSync(file, 'latin1').replace(/\r?\n$/, '');
}

function combine(passfile) {
	const m = fs.readFileSync(0, 'utf8').split(/\r?\n/).map((l) => l.trim().replace(/ +/g, ' '))
		.filter((l) => l !== '');
	const secret = slip39.recoverSecret(m, passphrase(passfile));
	console.log(Buffer.from(secret).toString('hex'));
}

function split(hex, passfile, gt, rest) {
	const groups = [];
	let exp = 1, ext = 0;
	for (let i = 0; i < rest.length; i++) {
		if (rest[i] === '--exp')
			exp = Number(rest[++i]);
		else if (rest[i] === '--ext')
			ext = Number(rest[++i]);
		else {
			const [t, n] = rest[i].split('/').map(Number);
			groups.push([t, n]);
		}
	}
	const s = slip39.fromArray(Array.from(Buffer.from(hex, 'hex')), {
		passphrase: passphrase(passfile), threshold: Number(gt), groups: groups,
		iterationExponent: exp, extendableBackupFlag: ext });
	const out = groups.map((g, i) => s.fromPath('r/' + i).mnemonics.join('\n'));
	console.log(out.join('\n\n'));
}

const [cmd, ...args] = process.argv.slice(2);
try {
	if (cmd === 'combine')
		combine(args[0]);
	else if (cmd === 'split' && args.length >= 4)
		split(args[0], args[1], args[2], args.slice(3));
	else
		die('usage: slip39.js combine [PASSFILE] | split HEX PASSFILE GT T/N... [--exp E] [--ext 0|1]');
} catch (e) {
	die(String(e && e.message ? e.message : e));
}
