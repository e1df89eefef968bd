/* The PGP word list (Juola and Zimmermann, 1995): bytes at even offsets are read from the
 * two-syllable table, bytes at odd offsets from the three-syllable one, so a swapped, repeated
 * or dropped word is heard when a fingerprint is read aloud. Proper nouns are lower-cased. */
#include "ceremony/base/fpr.h"

#include <string.h>

static const char *const even_words[256] = {
	"aardvark", "absurd", "accrue", "acme", /* 00 */
	"adrift", "adult", "afflict", "ahead", /* 04 */
	"aimless", "algol", "allow", "alone", /* 08 */
	"ammo", "ancient", "apple", "artist", /* 0c */
	"assume", "athens", "atlas", "aztec", /* 10 */
	"baboon", "backfield", "backward", "banjo", /* 14 */
	"beaming", "bedlamp", "beehive", "beeswax", /* 18 */
	"befriend", "belfast", "berserk", "billiard", /* 1c */
	"bison", "blackjack", "blockade", "blowtorch", /* 20 */
	"bluebird", "bombast", "bookshelf", "brackish", /* 24 */
	"breadline", "breakup", "brickyard", "briefcase", /* 28 */
	"burbank", "button", "buzzard", "cement", /* 2c */
	"chairlift", "chatter", "checkup", "chisel", /* 30 */
	"choking", "chopper", "christmas", "clamshell", /* 34 */
	"classic", "classroom", "cleanup", "clockwork", /* 38 */
	"cobra", "commence", "concert", "cowbell", /* 3c */
	"crackdown", "cranky", "crowfoot", "crucial", /* 40 */
	"crumpled", "crusade", "cubic", "dashboard", /* 44 */
	"deadbolt", "deckhand", "dogsled", "dragnet", /* 48 */
	"drainage", "dreadful", "drifter", "dropper", /* 4c */
	"drumbeat", "drunken", "dupont", "dwelling", /* 50 */
	"eating", "edict", "egghead", "eightball", /* 54 */
	"endorse", "endow", "enlist", "erase", /* 58 */
	"escape", "exceed", "eyeglass", "eyetooth", /* 5c */
	"facial", "fallout", "flagpole", "flatfoot", /* 60 */
	"flytrap", "fracture", "framework", "freedom", /* 64 */
	"frighten", "gazelle", "geiger", "glitter", /* 68 */
	"glucose", "goggles", "goldfish", "gremlin", /* 6c */
	"guidance", "hamlet", "highchair", "hockey", /* 70 */
	"indoors", "indulge", "inverse", "involve", /* 74 */
	"island", "jawbone", "keyboard", "kickoff", /* 78 */
	"kiwi", "klaxon", "locale", "lockup", /* 7c */
	"merit", "minnow", "miser", "mohawk", /* 80 */
	"mural", "music", "necklace", "neptune", /* 84 */
	"newborn", "nightbird", "oakland", "obtuse", /* 88 */
	"offload", "optic", "orca", "payday", /* 8c */
	"peachy", "pheasant", "physique", "playhouse", /* 90 */
	"pluto", "preclude", "prefer", "preshrunk", /* 94 */
	"printer", "prowler", "pupil", "puppy", /* 98 */
	"python", "quadrant", "quiver", "quota", /* 9c */
	"ragtime", "ratchet", "rebirth", "reform", /* a0 */
	"regain", "reindeer", "rematch", "repay", /* a4 */
	"retouch", "revenge", "reward", "rhythm", /* a8 */
	"ribcage", "ringbolt", "robust", "rocker", /* ac */
	"ruffled", "sailboat", "sawdust", "scallion", /* b0 */
	"scenic", "scorecard", "scotland", "seabird", /* b4 */
	"select", "sentence", "shadow", "shamrock", /* b8 */
	"showgirl", "skullcap", "skydive", "slingshot", /* bc */
	"slowdown", "snapline", "snapshot", "snowcap", /* c0 */
	"snowslide", "solo", "southward", "soybean", /* c4 */
	"spaniel", "spearhead", "spellbind", "spheroid", /* c8 */
	"spigot", "spindle", "spyglass", "stagehand", /* cc */
	"stagnate", "stairway", "standard", "stapler", /* d0 */
	"steamship", "sterling", "stockman", "stopwatch", /* d4 */
	"stormy", "sugar", "surmount", "suspense", /* d8 */
	"sweatband", "swelter", "tactics", "talon", /* dc */
	"tapeworm", "tempest", "tiger", "tissue", /* e0 */
	"tonic", "topmost", "tracker", "transit", /* e4 */
	"trauma", "treadmill", "trojan", "trouble", /* e8 */
	"tumor", "tunnel", "tycoon", "uncut", /* ec */
	"unearth", "unwind", "uproot", "upset", /* f0 */
	"upshot", "vapor", "village", "virus", /* f4 */
	"vulcan", "waffle", "wallet", "watchword", /* f8 */
	"wayside", "willow", "woodlark", "zulu", /* fc */
};

static const char *const odd_words[256] = {
	"adroitness", "adviser", "aftermath", "aggregate", /* 00 */
	"alkali", "almighty", "amulet", "amusement", /* 04 */
	"antenna", "applicant", "apollo", "armistice", /* 08 */
	"article", "asteroid", "atlantic", "atmosphere", /* 0c */
	"autopsy", "babylon", "backwater", "barbecue", /* 10 */
	"belowground", "bifocals", "bodyguard", "bookseller", /* 14 */
	"borderline", "bottomless", "bradbury", "bravado", /* 18 */
	"brazilian", "breakaway", "burlington", "businessman", /* 1c */
	"butterfat", "camelot", "candidate", "cannonball", /* 20 */
	"capricorn", "caravan", "caretaker", "celebrate", /* 24 */
	"cellulose", "certify", "chambermaid", "cherokee", /* 28 */
	"chicago", "clergyman", "coherence", "combustion", /* 2c */
	"commando", "company", "component", "concurrent", /* 30 */
	"confidence", "conformist", "congregate", "consensus", /* 34 */
	"consulting", "corporate", "corrosion", "councilman", /* 38 */
	"crossover", "crucifix", "cumbersome", "customer", /* 3c */
	"dakota", "decadence", "december", "decimal", /* 40 */
	"designing", "detector", "detergent", "determine", /* 44 */
	"dictator", "dinosaur", "direction", "disable", /* 48 */
	"disbelief", "disruptive", "distortion", "document", /* 4c */
	"embezzle", "enchanting", "enrollment", "enterprise", /* 50 */
	"equation", "equipment", "escapade", "eskimo", /* 54 */
	"everyday", "examine", "existence", "exodus", /* 58 */
	"fascinate", "filament", "finicky", "forever", /* 5c */
	"fortitude", "frequency", "gadgetry", "galveston", /* 60 */
	"getaway", "glossary", "gossamer", "graduate", /* 64 */
	"gravity", "guitarist", "hamburger", "hamilton", /* 68 */
	"handiwork", "hazardous", "headwaters", "hemisphere", /* 6c */
	"hesitate", "hideaway", "holiness", "hurricane", /* 70 */
	"hydraulic", "impartial", "impetus", "inception", /* 74 */
	"indigo", "inertia", "infancy", "inferno", /* 78 */
	"informant", "insincere", "insurgent", "integrate", /* 7c */
	"intention", "inventive", "istanbul", "jamaica", /* 80 */
	"jupiter", "leprosy", "letterhead", "liberty", /* 84 */
	"maritime", "matchmaker", "maverick", "medusa", /* 88 */
	"megaton", "microscope", "microwave", "midsummer", /* 8c */
	"millionaire", "miracle", "misnomer", "molasses", /* 90 */
	"molecule", "montana", "monument", "mosquito", /* 94 */
	"narrative", "nebula", "newsletter", "norwegian", /* 98 */
	"october", "ohio", "onlooker", "opulent", /* 9c */
	"orlando", "outfielder", "pacific", "pandemic", /* a0 */
	"pandora", "paperweight", "paragon", "paragraph", /* a4 */
	"paramount", "passenger", "pedigree", "pegasus", /* a8 */
	"penetrate", "perceptive", "performance", "pharmacy", /* ac */
	"phonetic", "photograph", "pioneer", "pocketful", /* b0 */
	"politeness", "positive", "potato", "processor", /* b4 */
	"provincial", "proximate", "puberty", "publisher", /* b8 */
	"pyramid", "quantity", "racketeer", "rebellion", /* bc */
	"recipe", "recover", "repellent", "replica", /* c0 */
	"reproduce", "resistor", "responsive", "retraction", /* c4 */
	"retrieval", "retrospect", "revenue", "revival", /* c8 */
	"revolver", "sandalwood", "sardonic", "saturday", /* cc */
	"savagery", "scavenger", "sensation", "sociable", /* d0 */
	"souvenir", "specialist", "speculate", "stethoscope", /* d4 */
	"stupendous", "supportive", "surrender", "suspicious", /* d8 */
	"sympathy", "tambourine", "telephone", "therapist", /* dc */
	"tobacco", "tolerance", "tomorrow", "torpedo", /* e0 */
	"tradition", "travesty", "trombonist", "truncated", /* e4 */
	"typewriter", "ultimate", "undaunted", "underfoot", /* e8 */
	"unicorn", "unify", "universe", "unravel", /* ec */
	"upcoming", "vacancy", "vagabond", "vertigo", /* f0 */
	"virginia", "visitor", "vocalist", "voyager", /* f4 */
	"warranty", "waterloo", "whimsical", "wichita", /* f8 */
	"wilmington", "wyoming", "yesteryear", "yucatan", /* fc */
};

const char *fpr_word(unsigned char byte, size_t position)
{
	return (position & 1) ? odd_words[byte] : even_words[byte];
}

int fpr_words(const unsigned char *data, size_t len, char *out, size_t outlen)
{
	size_t used = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		const char *w = fpr_word(data[i], i);
		size_t wl = strlen(w);

		if (used + (i ? 1 : 0) + wl + 1 > outlen)
			return -1;
		if (i)
			out[used++] = ' ';
		memcpy(out + used, w, wl);
		used += wl;
		out[used] = '\0';
	}
	return 0;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 64 hex digits, spaces anywhere between them: a person may type the groups with a slip of
 * spacing (fpr_parse_hex, for what scripts carry, takes only the exact printed form). */
static int parse_hex(const char *s, size_t len, unsigned char out[32])
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		int v = nibble(s[i]);

		if (s[i] == ' ')
			continue;
		if (v < 0 || n == 64)
			return -1;
		out[n / 2] = (unsigned char)(n % 2 ? (out[n / 2] << 4) | v : v);
		n++;
	}
	return n == 64 ? 0 : -1;
}

/* The byte whose word at position is w (lower case, wl bytes), or -1. */
static int word_byte(const char *w, size_t wl, size_t position)
{
	for (int b = 0; b < 256; b++) {
		const char *t = fpr_word((unsigned char)b, position);

		if (strlen(t) == wl && memcmp(t, w, wl) == 0)
			return b;
	}
	return -1;
}

/* 32 PGP words separated by spaces. */
static int parse_words(const char *s, size_t len, unsigned char out[32])
{
	size_t i = 0, n = 0;

	while (i < len) {
		char w[FPR_WORD_MAX + 1];
		size_t wl = 0;
		int b;

		if (s[i] == ' ') {
			i++;
			continue;
		}
		for (; i < len && s[i] != ' '; i++) {
			char c = s[i];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c < 'a' || c > 'z' || wl == FPR_WORD_MAX)
				return -1;
			w[wl++] = c;
		}
		if (n == 32 || (b = word_byte(w, wl, n)) < 0)
			return -1;
		out[n++] = (unsigned char)b;
	}
	return n == 32 ? 0 : -1;
}

int fpr_parse32(const char *s, size_t len, unsigned char out[32])
{
	if (len > FPR_PARSE_MAX)
		return -1;
	if (parse_hex(s, len, out) == 0 || parse_words(s, len, out) == 0)
		return 0;
	memset(out, 0, 32);
	return -1;
}

int fpr_hex(const unsigned char *data, size_t len, char *out, size_t outlen)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t used = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		size_t sep = (i && i % 2 == 0) ? 1 : 0;

		if (used + sep + 2 + 1 > outlen)
			return -1;
		if (sep)
			out[used++] = ' ';
		out[used++] = digits[data[i] >> 4];
		out[used++] = digits[data[i] & 15];
		out[used] = '\0';
	}
	return 0;
}

int fpr_parse_hex(const char *s, size_t len, unsigned char *out, size_t n)
{
	/* Grouped: 4 digits per group, so 2n digits make ceil(2n / 4) groups and one fewer
	 * spaces. */
	size_t grouped = 2 * n + (2 * n + 3) / 4 - 1, at = 0;

	if (n == 0 || (len != 2 * n && len != grouped))
		return -1;
	for (size_t i = 0; i < 2 * n; i++) {
		int v;

		if (len == grouped && i > 0 && i % 4 == 0 && s[at++] != ' ')
			return -1;
		v = nibble(s[at++]);
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] = (unsigned char)(out[i / 2] | v);
	}
	return 0;
}
