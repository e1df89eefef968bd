// The public BC-UR library (@ngraveio/bc-ur, pinned in package.json) on our texts and vectors.
// Test-only; run by tests/cli/interop_ur.sh with NODE_PATH at the installed node_modules.
//   node ur.js vectors DIR          check tests/vectors/ur bytewords.txt, ur_single.txt and
//                                   ur_multi_256.txt against the library
//   node ur.js decode FILE          UR texts, one a line, any order, any case: the payload as hex
//   node ur.js encode HEX MAX COUNT the payload as COUNT UR texts of at most MAX-byte fragments
'use strict';
const fs = require('fs');
const path = require('path');
const { UR, UREncoder, URDecoder } = require('@ngraveio/bc-ur');
const bytewords = require('@ngraveio/bc-ur/dist/bytewords').default;

function die(msg) {
	process.stderr.write('ur.js: ' + msg + '\n');
	process.exit(1);
}

function lines(file) {
	return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

// make_message(len) of the reference tests: Xoshiro256("Wolf").next_byte() len times.
function makeMessage(len) {
	const Xoshiro = require('@ngraveio/bc-ur/dist/xoshiro').default;
	const rng = new Xoshiro(Buffer.from('Wolf'));
	return Buffer.from(rng.nextData(len));
}

function vectors(dir) {
	let n = 0;
	const styles = { standard: bytewords.STYLES.STANDARD, uri: bytewords.STYLES.URI,
			 minimal: bytewords.STYLES.MINIMAL };
	for (const l of lines(path.join(dir, 'bytewords.txt'))) {
		const [style, hex, text] = l.split('\t');
		if (!(style in styles))
			die('unknown style ' + style);
		if (bytewords.encode(hex, styles[style]) !== text)
			die('bytewords ' + style + ' encode differs for ' + hex.slice(0, 16));
		if (bytewords.decode(text, styles[style]) !== hex)
			die('bytewords ' + style + ' decode differs for ' + hex.slice(0, 16));
		n++;
	}
	const single = lines(path.join(dir, 'ur_single.txt'))[0];
	const ur50 = UR.fromBuffer(makeMessage(50));
	if (UREncoder.encodeSinglePart(ur50) !== single)
		die('single-part UR differs');
	n++;
	const want = lines(path.join(dir, 'ur_multi_256.txt'));
	const enc = new UREncoder(UR.fromBuffer(makeMessage(256)), 30);
	want.forEach((w, i) => {
		const got = enc.nextPart();
		if (got !== w)
			die('multi-part UR part ' + (i + 1) + ' differs: ' + got);
		n++;
	});
	console.log('vectors: ' + n + ' agree');
}

function decode(file) {
	const d = new URDecoder();
	let used = 0;
	for (const l of lines(file)) {
		d.receivePart(l.trim().toLowerCase());
		used++;
		if (d.isComplete())
			break;
	}
	if (!d.isComplete())
		die('incomplete after ' + used + ' parts (' + d.receivedPartIndexes().length + ' of ' +
		    d.expectedPartCount() + ' fragments)');
	if (!d.isSuccess())
		die('failed: ' + d.resultError());
	const ur = d.resultUR();
	if (ur.type !== 'bytes')
		die('type ' + ur.type);
	process.stderr.write('ur.js: complete after ' + used + ' parts\n');
	console.log(ur.decodeCBOR().toString('hex'));
}

function encode(hex, max, count) {
	const enc = new UREncoder(UR.fromBuffer(Buffer.from(hex, 'hex')), Number(max));
	const n = enc.fragmentsLength === 1 ? 1 : Number(count);
	for (let i = 0; i < n; i++)
		console.log(enc.nextPart());
}

const [cmd, ...args] = process.argv.slice(2);
try {
	if (cmd === 'vectors')
		vectors(args[0]);
	else if (cmd === 'decode')
		decode(args[0]);
	else if (cmd === 'encode')
		encode(fs.readFileSync(args[0], 'utf8').trim(), args[1], args[2]);
	else
		die('usage: ur.js vectors DIR | decode FILE | encode HEXFILE MAX COUNT');
} catch (e) {
	die(String(e && e.message ? e.message : e));
}
