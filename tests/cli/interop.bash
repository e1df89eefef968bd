# Sourced by the tests that check us against independent public implementations
# (tests/cli/interop_*.sh, tests/cli/recovery.sh): installs them from the npm registry, exactly
# as pinned in tests/interop/package-lock.json, into build/interop (INTEROP_DIR; test-only: never needed at
# ceremony time), and runs their drivers in tests/interop/.
# A failed install fails the test, loudly: the only way to skip it is INTEROP_OFFLINE_OK=1 in the
# environment, an explicit statement that the npm registry is out of reach and that is acceptable.

# The installed copy is reused while its package files equal the committed ones; several tests may
# ask at once, so the install is done under a lock.
interop_install() {
	local dir=${INTEROP_DIR:-$SRCDIR/build/interop} src=$SRCDIR/tests/interop
	local c
	for c in node npm flock cmp; do
		command -v $c >/dev/null || [ "${INTEROP_OFFLINE_OK:-}" != 1 ] || { echo "no $c"; exit 77; }
		command -v $c >/dev/null || fail "no $c: scripts/install-deps check installs it"
	done
	mkdir -p "$dir"
	(
		flock 9
		if cmp -s "$src/package-lock.json" "$dir/package-lock.json.installed" &&
			[ -d "$dir/node_modules/@ngraveio/bc-ur" ] && [ -d "$dir/node_modules/slip39" ]; then
			exit 0
		fi
		rm -rf "$dir/node_modules" "$dir/package-lock.json.installed"
		cp "$src/package.json" "$src/package-lock.json" "$dir/"
		# npm ci installs exactly the lock file's versions and checks their integrity hashes.
		(cd "$dir" && timeout 600 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) \
			>"$dir/install.log" 2>&1 || { cat "$dir/install.log"; exit 1; }
		cp "$src/package-lock.json" "$dir/package-lock.json.installed"
	) 9>"$dir/.lock" || {
		if [ "${INTEROP_OFFLINE_OK:-}" = 1 ]; then
			echo "npm install of the interop implementations failed and INTEROP_OFFLINE_OK=1"
			exit 77
		fi
		fail "cannot install the independent implementations from npm (tests/interop/package.json); set INTEROP_OFFLINE_OK=1 only where the npm registry is known to be out of reach"
	}
	NODE_PATH=$dir/node_modules
	export NODE_PATH
}

# ur_js ARGS..., slip39_js ARGS...: the drivers of the public BC-UR and SLIP-39 libraries.
ur_js() { node "$SRCDIR/tests/interop/ur.js" "$@"; }
slip39_js() { node "$SRCDIR/tests/interop/slip39.js" "$@"; }

interop_install
