#include "server/seed_names.h"

#define N(arr) (sizeof arr / sizeof arr[0])

const struct seed_name seed_first_names[] = {
  {"Ana", "ana"}, {"Lukas", "lukas"}, {"Sofía", "sofia"}, {"Mateo", "mateo"}, {"Zoë", "zoe"},
  {"Zoe\xcc\x88", "zoe"}, /* e + combining diaeresis: same look, other bytes */
  {"Björn", "bjorn"}, {"Chloé", "chloe"}, {"Łukasz", "lukasz"}, {"Ingrid", "ingrid"},
  {"Oğuz", "oguz"}, {"Nguyễn", "nguyen"}, {"José", "jose"}, {"Amélie", "amelie"},
  {"John", "john"}, {"Maria", "maria"}, {"Priya", "priya"}, {"Wei", "wei"},
  {"李", "li"}, {"王", "wang"}, {"张伟", "zhangwei"}, {"佐藤", "sato"}, {"はなこ", "hanako"},
  {"김", "kim"}, {"민준", "minjun"}, {"محمد", "mohammed"}, {"فاطمة", "fatima"},
  {"יוסף", "yosef"}, {"שרה", "sarah"}, {"Дмитрий", "dmitry"}, {"Анна", "anna"},
  {"Γιώργος", "giorgos"}, {"अर्जुन", "arjun"}, {"สมชาย", "somchai"}, {"Ayşe", "ayse"},
  {"Søren", "soren"}, {"Siobhán", "siobhan"}, {"Đorđe", "djordje"}, {"Kwame", "kwame"},
  {"Sam 🚀", "sam"}, {"Alex 👩‍💻", "alex"}, {"Jo 🏳️‍🌈", "jo"}, {"Mia", "mia"},
  {"Noah", "noah"}, {"Emma", "emma"}, {"Olivia", "olivia"}, {"Liam", "liam"},
};
const size_t seed_first_count = N(seed_first_names);

const struct seed_name seed_last_names[] = {
  {"García", "garcia"}, {"Müller", "muller"}, {"Smith", "smith"}, {"Rossi", "rossi"},
  {"Kowalski", "kowalski"}, {"Dubois", "dubois"}, {"Johansson", "johansson"}, {"Nowak", "nowak"},
  {"O'Brien", "obrien"}, {"van der Berg", "vanderberg"}, {"Núñez", "nunez"}, {"Yılmaz", "yilmaz"},
  {"Tanaka", "tanaka"}, {"Chen", "chen"}, {"Patel", "patel"}, {"Okafor", "okafor"},
  {"田中", "tanaka"}, {"陈", "chen"}, {"박", "park"}, {"عبد الله", "abdullah"},
  {"כהן", "cohen"}, {"Иванов", "ivanov"}, {"Παπαδόπουλος", "papadopoulos"}, {"शर्मा", "sharma"},
  {"Nakamura-Smith", "nakamura"}, {"de la Cruz", "delacruz"}, {"Ødegård", "odegard"},
  {"Schrödinger", "schrodinger"}, {"Lefèvre", "lefevre"}, {"Brown", "brown"},
};
const size_t seed_last_count = N(seed_last_names);

const char *const seed_hostile_names[] = {
  "\x1b[31mRED ALERT\x1b[0m",                    /* colour change */
  "\x1b]0;owned terminal\x07Eve",                /* OSC 0: window title */
  "\x1b]2;title\x1b\\Mallory",                   /* OSC 2 with ST */
  "\x1b]52;c;ZWNobyBoYWNrZWQ=\x07Clip",         /* OSC 52: clipboard write */
  "Trudy\x1b[2J\x1b[H",                          /* erase screen, cursor home */
  "Bob\x1b[10A\x1b[5Cup",                        /* cursor movement */
  "\x1bP+q544e\x1b\\DCS",                        /* DCS request */
  "Carol\r\nInjected: line",                     /* CR LF */
  "Tab\there\x08\x08" "back",                       /* tab and backspaces */
  "Bell\x07\x07\x07",                            /* BEL */
  "\xc2\x9b" "31mC1 CSI",                         /* U+009B: a C1 CSI */
  "\xe2\x80\xae" "evil.exe\xe2\x80\xac",          /* RIGHT-TO-LEFT OVERRIDE */
  "\xe2\x81\xa6isolate\xe2\x81\xa9 text",        /* LRI ... PDI */
  "Robert'); DROP TABLE accounts;--",            /* SQL */
  "%s%n%x%p",                                    /* format string */
  "zero\xe2\x80\x8bwidth\xe2\x80\x8d\xe2\x80\x8djoin",
  "Del\x7f" "ete",
  "Long Name Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa end",
  "Z\xcd\x91\xcd\x92\xcd\x93\xcd\x94" "a\xcd\x95\xcd\x96\xcd\x97" "l\xcd\x98\xcd\x99\xcd\x9a" "g\xcd\x9b\xcd\x9c\xcd\x9d" "o",
  "<script>alert(1)</script>",
};
const size_t seed_hostile_count = N(seed_hostile_names);

const char *const seed_domains[] = {
  "example.com", "example.org", "example.net", "mail.example", "corp.example", "uni.example",
};
const size_t seed_domain_count = N(seed_domains);
