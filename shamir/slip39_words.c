#include "shamir/slip39_words.h"

#include <endian.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "shamir/ct.h"

/* The list from the SLIP-39 specification (slip-0039/wordlist.txt), padded to 8 letters so that
 * every comparison touches the same bytes; tests/unit/test_slip39.c checks it against
 * tests/vectors/slip39/wordlist.txt. */
static const char words[SLIP39_WORDS][SLIP39_WORD_MAX + 1] = {
	"academic", "acid", "acne", "acquire", "acrobat", "activity", "actress", "adapt",
	"adequate", "adjust", "admit", "adorn", "adult", "advance", "advocate", "afraid", "again",
	"agency", "agree", "aide", "aircraft", "airline", "airport", "ajar", "alarm", "album",
	"alcohol", "alien", "alive", "alpha", "already", "alto", "aluminum", "always", "amazing",
	"ambition", "amount", "amuse", "analysis", "anatomy", "ancestor", "ancient", "angel",
	"angry", "animal", "answer", "antenna", "anxiety", "apart", "aquatic", "arcade", "arena",
	"argue", "armed", "artist", "artwork", "aspect", "auction", "august", "aunt", "average",
	"aviation", "avoid", "award", "away", "axis", "axle", "beam", "beard", "beaver", "become",
	"bedroom", "behavior", "being", "believe", "belong", "benefit", "best", "beyond", "bike",
	"biology", "birthday", "bishop", "black", "blanket", "blessing", "blimp", "blind", "blue",
	"body", "bolt", "boring", "born", "both", "boundary", "bracelet", "branch", "brave",
	"breathe", "briefing", "broken", "brother", "browser", "bucket", "budget", "building",
	"bulb", "bulge", "bumpy", "bundle", "burden", "burning", "busy", "buyer", "cage",
	"calcium", "camera", "campus", "canyon", "capacity", "capital", "capture", "carbon",
	"cards", "careful", "cargo", "carpet", "carve", "category", "cause", "ceiling", "center",
	"ceramic", "champion", "change", "charity", "check", "chemical", "chest", "chew", "chubby",
	"cinema", "civil", "class", "clay", "cleanup", "client", "climate", "clinic", "clock",
	"clogs", "closet", "clothes", "club", "cluster", "coal", "coastal", "coding", "column",
	"company", "corner", "costume", "counter", "course", "cover", "cowboy", "cradle", "craft",
	"crazy", "credit", "cricket", "criminal", "crisis", "critical", "crowd", "crucial",
	"crunch", "crush", "crystal", "cubic", "cultural", "curious", "curly", "custody",
	"cylinder", "daisy", "damage", "dance", "darkness", "database", "daughter", "deadline",
	"deal", "debris", "debut", "decent", "decision", "declare", "decorate", "decrease",
	"deliver", "demand", "density", "deny", "depart", "depend", "depict", "deploy", "describe",
	"desert", "desire", "desktop", "destroy", "detailed", "detect", "device", "devote",
	"diagnose", "dictate", "diet", "dilemma", "diminish", "dining", "diploma", "disaster",
	"discuss", "disease", "dish", "dismiss", "display", "distance", "dive", "divorce",
	"document", "domain", "domestic", "dominant", "dough", "downtown", "dragon", "dramatic",
	"dream", "dress", "drift", "drink", "drove", "drug", "dryer", "duckling", "duke",
	"duration", "dwarf", "dynamic", "early", "earth", "easel", "easy", "echo", "eclipse",
	"ecology", "edge", "editor", "educate", "either", "elbow", "elder", "election", "elegant",
	"element", "elephant", "elevator", "elite", "else", "email", "emerald", "emission",
	"emperor", "emphasis", "employer", "empty", "ending", "endless", "endorse", "enemy",
	"energy", "enforce", "engage", "enjoy", "enlarge", "entrance", "envelope", "envy",
	"epidemic", "episode", "equation", "equip", "eraser", "erode", "escape", "estate",
	"estimate", "evaluate", "evening", "evidence", "evil", "evoke", "exact", "example",
	"exceed", "exchange", "exclude", "excuse", "execute", "exercise", "exhaust", "exotic",
	"expand", "expect", "explain", "express", "extend", "extra", "eyebrow", "facility", "fact",
	"failure", "faint", "fake", "false", "family", "famous", "fancy", "fangs", "fantasy",
	"fatal", "fatigue", "favorite", "fawn", "fiber", "fiction", "filter", "finance",
	"findings", "finger", "firefly", "firm", "fiscal", "fishing", "fitness", "flame", "flash",
	"flavor", "flea", "flexible", "flip", "float", "floral", "fluff", "focus", "forbid",
	"force", "forecast", "forget", "formal", "fortune", "forward", "founder", "fraction",
	"fragment", "frequent", "freshman", "friar", "fridge", "friendly", "frost", "froth",
	"frozen", "fumes", "funding", "furl", "fused", "galaxy", "game", "garbage", "garden",
	"garlic", "gasoline", "gather", "general", "genius", "genre", "genuine", "geology",
	"gesture", "glad", "glance", "glasses", "glen", "glimpse", "goat", "golden", "graduate",
	"grant", "grasp", "gravity", "gray", "greatest", "grief", "grill", "grin", "grocery",
	"gross", "group", "grownup", "grumpy", "guard", "guest", "guilt", "guitar", "gums",
	"hairy", "hamster", "hand", "hanger", "harvest", "have", "havoc", "hawk", "hazard",
	"headset", "health", "hearing", "heat", "helpful", "herald", "herd", "hesitate", "hobo",
	"holiday", "holy", "home", "hormone", "hospital", "hour", "huge", "human", "humidity",
	"hunting", "husband", "hush", "husky", "hybrid", "idea", "identify", "idle", "image",
	"impact", "imply", "improve", "impulse", "include", "income", "increase", "index",
	"indicate", "industry", "infant", "inform", "inherit", "injury", "inmate", "insect",
	"inside", "install", "intend", "intimate", "invasion", "involve", "iris", "island",
	"isolate", "item", "ivory", "jacket", "jerky", "jewelry", "join", "judicial", "juice",
	"jump", "junction", "junior", "junk", "jury", "justice", "kernel", "keyboard", "kidney",
	"kind", "kitchen", "knife", "knit", "laden", "ladle", "ladybug", "lair", "lamp",
	"language", "large", "laser", "laundry", "lawsuit", "leader", "leaf", "learn", "leaves",
	"lecture", "legal", "legend", "legs", "lend", "length", "level", "liberty", "library",
	"license", "lift", "likely", "lilac", "lily", "lips", "liquid", "listen", "literary",
	"living", "lizard", "loan", "lobe", "location", "losing", "loud", "loyalty", "luck",
	"lunar", "lunch", "lungs", "luxury", "lying", "lyrics", "machine", "magazine", "maiden",
	"mailman", "main", "makeup", "making", "mama", "manager", "mandate", "mansion", "manual",
	"marathon", "march", "market", "marvel", "mason", "material", "math", "maximum", "mayor",
	"meaning", "medal", "medical", "member", "memory", "mental", "merchant", "merit", "method",
	"metric", "midst", "mild", "military", "mineral", "minister", "miracle", "mixed",
	"mixture", "mobile", "modern", "modify", "moisture", "moment", "morning", "mortgage",
	"mother", "mountain", "mouse", "move", "much", "mule", "multiple", "muscle", "museum",
	"music", "mustang", "nail", "national", "necklace", "negative", "nervous", "network",
	"news", "nuclear", "numb", "numerous", "nylon", "oasis", "obesity", "object", "observe",
	"obtain", "ocean", "often", "olympic", "omit", "oral", "orange", "orbit", "order",
	"ordinary", "organize", "ounce", "oven", "overall", "owner", "paces", "pacific", "package",
	"paid", "painting", "pajamas", "pancake", "pants", "papa", "paper", "parcel", "parking",
	"party", "patent", "patrol", "payment", "payroll", "peaceful", "peanut", "peasant",
	"pecan", "penalty", "pencil", "percent", "perfect", "permit", "petition", "phantom",
	"pharmacy", "photo", "phrase", "physics", "pickup", "picture", "piece", "pile", "pink",
	"pipeline", "pistol", "pitch", "plains", "plan", "plastic", "platform", "playoff",
	"pleasure", "plot", "plunge", "practice", "prayer", "preach", "predator", "pregnant",
	"premium", "prepare", "presence", "prevent", "priest", "primary", "priority", "prisoner",
	"privacy", "prize", "problem", "process", "profile", "program", "promise", "prospect",
	"provide", "prune", "public", "pulse", "pumps", "punish", "puny", "pupal", "purchase",
	"purple", "python", "quantity", "quarter", "quick", "quiet", "race", "racism", "radar",
	"railroad", "rainbow", "raisin", "random", "ranked", "rapids", "raspy", "reaction",
	"realize", "rebound", "rebuild", "recall", "receiver", "recover", "regret", "regular",
	"reject", "relate", "remember", "remind", "remove", "render", "repair", "repeat",
	"replace", "require", "rescue", "research", "resident", "response", "result", "retailer",
	"retreat", "reunion", "revenue", "review", "reward", "rhyme", "rhythm", "rich", "rival",
	"river", "robin", "rocky", "romantic", "romp", "roster", "round", "royal", "ruin", "ruler",
	"rumor", "sack", "safari", "salary", "salon", "salt", "satisfy", "satoshi", "saver",
	"says", "scandal", "scared", "scatter", "scene", "scholar", "science", "scout", "scramble",
	"screw", "script", "scroll", "seafood", "season", "secret", "security", "segment",
	"senior", "shadow", "shaft", "shame", "shaped", "sharp", "shelter", "sheriff", "short",
	"should", "shrimp", "sidewalk", "silent", "silver", "similar", "simple", "single",
	"sister", "skin", "skunk", "slap", "slavery", "sled", "slice", "slim", "slow", "slush",
	"smart", "smear", "smell", "smirk", "smith", "smoking", "smug", "snake", "snapshot",
	"sniff", "society", "software", "soldier", "solution", "soul", "source", "space", "spark",
	"speak", "species", "spelling", "spend", "spew", "spider", "spill", "spine", "spirit",
	"spit", "spray", "sprinkle", "square", "squeeze", "stadium", "staff", "standard",
	"starting", "station", "stay", "steady", "step", "stick", "stilt", "story", "strategy",
	"strike", "style", "subject", "submit", "sugar", "suitable", "sunlight", "superior",
	"surface", "surprise", "survive", "sweater", "swimming", "swing", "switch", "symbolic",
	"sympathy", "syndrome", "system", "tackle", "tactics", "tadpole", "talent", "task",
	"taste", "taught", "taxi", "teacher", "teammate", "teaspoon", "temple", "tenant",
	"tendency", "tension", "terminal", "testify", "texture", "thank", "that", "theater",
	"theory", "therapy", "thorn", "threaten", "thumb", "thunder", "ticket", "tidy", "timber",
	"timely", "ting", "tofu", "together", "tolerate", "total", "toxic", "tracks", "traffic",
	"training", "transfer", "trash", "traveler", "treat", "trend", "trial", "tricycle", "trip",
	"triumph", "trouble", "true", "trust", "twice", "twin", "type", "typical", "ugly",
	"ultimate", "umbrella", "uncover", "undergo", "unfair", "unfold", "unhappy", "union",
	"universe", "unkind", "unknown", "unusual", "unwrap", "upgrade", "upstairs", "username",
	"usher", "usual", "valid", "valuable", "vampire", "vanish", "various", "vegan", "velvet",
	"venture", "verdict", "verify", "very", "veteran", "vexed", "victim", "video", "view",
	"vintage", "violence", "viral", "visitor", "visual", "vitamins", "vocal", "voice",
	"volume", "voter", "voting", "walnut", "warmth", "warn", "watch", "wavy", "wealthy",
	"weapon", "webcam", "welcome", "welfare", "western", "width", "wildlife", "window", "wine",
	"wireless", "wisdom", "withdraw", "wits", "wolf", "woman", "work", "worthy", "wrap",
	"wrist", "writing", "wrote", "year", "yelp", "yield", "yoga", "zero",
};

/* Word i as 8 bytes in one integer, first letter lowest, NUL-padded: a comparison is one XOR,
 * and one 8-byte load per word keeps a scan of the list cheap (also under ASan). */
static uint64_t list_word(uint32_t i)
{
	uint64_t v;

	memcpy(&v, words[i], sizeof(v));
	return le64toh(v);
}

const char *slip39_word(unsigned int index)
{
	return index < SLIP39_WORDS ? words[index] : NULL;
}

/* The value of the word whose p letters are packed in w (zero above them), or SLIP39_WORD_BAD
 * (junk set: a letter outside a..z, or a ninth). Every word of the list is compared, in full or,
 * for a prefix, in its first p letters; at most one can match, as the list is unique in four. */
static uint64_t list_find(uint64_t w, uint64_t p, uint64_t junk, int prefix)
{
	uint64_t letters = ~(uint64_t)0, value = 0, found = 0, ok;

	if (prefix) {
		letters = 0;
		for (unsigned int q = 0; q < SLIP39_WORD_MAX; q++)
			letters |= ((uint64_t)0xFF << (8 * q)) & ct_mask64(ct_lt64(q, p));
	}
	/* ct_is_zero64 and ct_mask64 written out: this loop is most of a mnemonic's parse, and
	 * the fuzz build, which leaves ASan out of this function only, would not inline them. */
	for (uint32_t i = 0; i < SLIP39_WORDS; i++) {
		uint64_t d = w ^ (list_word(i) & letters);
		uint64_t hit = 1u ^ ((d | (0u - d)) >> 63), m = 0u - hit;

		__asm__("" : "+r"(m));
		value |= i & m;
		found |= hit;
	}
	ok = found & (1u ^ junk) & (1u ^ ct_lt64(p, SLIP39_WORD_PREFIX));
	return (value & ct_mask64(ok)) | (SLIP39_WORD_BAD & ~ct_mask64(ok));
}

/* Word want (0..1023), packed, read by scanning the whole list; written out as list_find. */
static uint64_t list_pick(uint32_t want)
{
	uint64_t w = 0;

	for (uint32_t i = 0; i < SLIP39_WORDS; i++) {
		uint64_t d = i ^ want;
		uint64_t m = 0u - (1u ^ ((d | (0u - d)) >> 63));

		__asm__("" : "+r"(m));
		w |= list_word(i) & m;
	}
	return w;
}

int slip39_word_lookup(const char *word, size_t len, int allow_prefix)
{
	uint64_t w = 0, junk = 0, v, ok;

	/* The length is public here (see the header). */
	if (len > SLIP39_WORD_MAX)
		return -1;
	for (size_t q = 0; q < len; q++) {
		uint64_t c = (uint8_t)word[q];

		/* Only a..z: a NUL inside the word must not match the padding. */
		junk |= 1u ^ ct_lt64(c - 'a', 26);
		w |= c << (8 * q);
	}
	v = list_find(w, len, junk, allow_prefix && len < SLIP39_WORD_MAX);
	sodium_memzero(&w, sizeof(w));
	ok = 1u ^ ct_eq64(v, SLIP39_WORD_BAD);
	/* v, or -1 for SLIP39_WORD_BAD, still without a branch. */
	return (int)(v & ct_mask64(ok)) - (int)(ok ^ 1u);
}

/* Words are gathered into slots of this many, then looked up once per slot: a lookup per byte
 * of the text, as a first version did, cost the 1024-word scan eight times over. */
#define PARSE_SLOTS 40

/* One pass over text for the words numbered first+1 .. first+n (n <= PARSE_SLOTS): each byte
 * goes, under a mask, into the slot of the word it belongs to. Returns the number of words. */
static uint64_t gather(const char *text, size_t len, int how, size_t first, size_t n,
		       uint64_t w[PARSE_SLOTS], uint64_t p[PARSE_SLOTS], uint64_t junk[PARSE_SLOTS])
{
	uint64_t in_word = 0, k = 0, lp = 0;

	for (size_t j = 0; j < len; j++) {
		uint64_t c = (uint8_t)text[j], space = ct_eq64(c, ' '), letter, cw = 0, bad;

		if (how == SLIP39_TEXT_TYPED) {
			space |= ct_lt64(c - '\t', 5); /* isspace in the C locale */
			c |= 0x20u & ct_mask64(ct_lt64(c - 'A', 26));
		}
		k += (1u ^ space) & (1u ^ in_word);
		lp &= ct_mask64(in_word);
		in_word = 1u ^ space;
		letter = ct_lt64(c - 'a', 26);
		bad = in_word & ((1u ^ letter) | (1u ^ ct_lt64(lp, SLIP39_WORD_MAX)));
		for (unsigned int q = 0; q < SLIP39_WORD_MAX; q++)
			cw |= (c << (8 * q)) & ct_mask64(ct_eq64(q, lp));
		cw &= ct_mask64(in_word);
		for (size_t s = 0; s < n; s++) {
			uint64_t m = ct_mask64(in_word & ct_eq64(first + s + 1, k));

			w[s] |= cw & m;
			p[s] += in_word & m;
			junk[s] |= bad & m;
		}
		lp += in_word;
	}
	return k;
}

size_t slip39_words_parse(const char *text, size_t len, int how, uint16_t *values, size_t max)
{
	uint64_t w[PARSE_SLOTS], p[PARSE_SLOTS], junk[PARSE_SLOTS], k = 0;
	/* A text of len bytes holds at most (len + 1) / 2 words: slots past that need no lookup,
	 * and skipping them depends on len alone. */
	size_t fit = (len + 1) / 2, first = 0;

	/* Once even for max 0: the count of words is still returned. */
	do {
		size_t n = max - first < PARSE_SLOTS ? max - first : PARSE_SLOTS;

		memset(w, 0, sizeof(w));
		memset(p, 0, sizeof(p));
		memset(junk, 0, sizeof(junk));
		k = gather(text, len, how, first, n, w, p, junk);
		for (size_t s = 0; s < n; s++) {
			uint64_t v = first + s < fit ? list_find(w[s], p[s], junk[s],
								  how == SLIP39_TEXT_TYPED)
						     : SLIP39_WORD_NONE;
			uint64_t here = ct_lt64(first + s, k);

			values[first + s] = (uint16_t)((v & ct_mask64(here)) |
						       (SLIP39_WORD_NONE & ~ct_mask64(here)));
		}
		first += PARSE_SLOTS;
	} while (first < max);
	sodium_memzero(w, sizeof(w));
	sodium_memzero(p, sizeof(p));
	sodium_memzero(junk, sizeof(junk));
	return (size_t)k;
}

size_t slip39_words_text(const uint16_t *values, size_t max, char *out)
{
	size_t cap = max * (SLIP39_WORD_MAX + 1) + (max == 0);
	uint64_t o = 0;

	memset(out, 0, cap);
	for (size_t s = 0; s < max; s++) {
		char word[SLIP39_WORD_MAX];
		uint64_t l = slip39_word_copy(values[s], word);
		uint64_t here = 1u ^ ct_eq64(values[s], SLIP39_WORD_NONE);
		/* A space in front of every word but the first. */
		uint64_t lead = here & (s > 0);

		/* Word s ends before (s + 1) * 9 bytes, whatever the words before it: no need to
		 * look further, and the bound depends on s alone. */
		size_t end = (s + 1) * (SLIP39_WORD_MAX + 1) < cap ? (s + 1) * (SLIP39_WORD_MAX + 1)
								       : cap;

		l &= ct_mask64(here);
		for (size_t j = 0; j < end; j++) {
			uint64_t d = j - o, b;

			/* Opaque, or the optimiser counts d instead of j and indexes out by o. */
			__asm__("" : "+r"(d));
			b = ' ' & ct_mask64(lead & ct_eq64(d, 0));
			d -= lead;
			for (unsigned int q = 0; q < SLIP39_WORD_MAX; q++)
				b |= (uint8_t)word[q] & ct_mask64(ct_eq64(d, q) & ct_lt64(d, l));
			out[j] = (char)(out[j] | (char)b);
		}
		o += (lead + l) & ct_mask64(here);
		sodium_memzero(word, sizeof(word));
	}
	return (size_t)o;
}

size_t slip39_word_copy(unsigned int index, char out[SLIP39_WORD_MAX])
{
	uint64_t w = list_pick(index & (SLIP39_WORDS - 1));
	size_t len = 0;

	for (size_t k = 0; k < SLIP39_WORD_MAX; k++) {
		uint64_t c = (w >> (8 * k)) & 0xFF;

		out[k] = (char)c;
		len += (size_t)(1u ^ ct_is_zero64(c));
	}
	sodium_memzero(&w, sizeof(w));
	return len;
}
