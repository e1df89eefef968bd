# Sourced by tests/cli/cert_*.sh: artifacts made by the PKI library, written into $F by the
# unit test binary test_pki_fixture (built beside the ceremony binary under test).
need openssl
bin=${CEREMONY##* }
fixture=$(dirname "$bin")/tests/test_pki_fixture
[ -x "$fixture" ] || { echo "no $fixture (build the unit tests first: make unit)"; exit 77; }
F=$T/fx
mkdir "$F"
PKI_FIXTURE_DIR=$F "$fixture" >"$T/fixture.log" 2>&1 || { cat "$T/fixture.log"; fail "fixture"; }
