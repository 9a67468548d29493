# anycast: `make` builds build/anycastd, build/anycast, build/anycast-dns.
# `make check` installs missing Debian packages, checks the style (`make format-check`) and that no
# module's files depend on each other in a cycle (`make cycles`), then runs unit tests (also built
# with ASan and UBSan, `make unit-san`, and under valgrind), fuzz and integration tests. `make format` rewrites the
# C files in the style of .clang-format.
# `make demo` runs the lab demo (`make demo-bird`: anycastd and BIRD in two namespaces). `make install` honours PREFIX and DESTDIR.

CC ?= cc
CFLAGS ?= -O2 -g
PREFIX ?= /usr/local
DESTDIR ?=
B := build

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wno-unused-parameter
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -Isrc $(WARN) $(CFLAGS) -MMD -MP
LDLIBS := -lmnl -lyaml -lbz2 -lpthread -lm

# Everything but main() lives in one archive; each binary and test links it.
LIB_SRC := $(sort $(filter-out src/cmd/%,$(wildcard src/*/*.c)))
# Generated sources: the GeoNames city table of `anycast detect` (scripts/geonames.py).
GEN_SRC := $(B)/gen/det_cities.c
LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o) $(GEN_SRC:%.c=$(B)/obj/%.o)
BINS := $(B)/anycastd $(B)/anycast $(B)/anycast-dns
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all check unit unit-san fuzz demo demo-bird install clean deps format format-check cycles mutants
all: $(BINS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/gen/det_cities.c: scripts/geonames.py
	@mkdir -p $(dir $@)
	python3 scripts/geonames.py >$@.tmp && mv $@.tmp $@

$(B)/libanycast.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/%: $(B)/obj/src/cmd/%.o $(B)/libanycast.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(B)/libanycast.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_BINS)

# The unit tests once more, built by gcc with AddressSanitizer (leaks included) and
# UndefinedBehaviorSanitizer, any report fatal; tests/run.sh runs them after the plain ones.
SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
unit-san:
	$(MAKE) B=$(B)/san CFLAGS="$(SAN_CFLAGS)" unit

# Fuzz targets: clang, libFuzzer, ASan and UBSan. The sources are compiled again with the
# sanitizers into an archive of their own, so a target links only the objects it uses.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -Isrc -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_OBJ := $(LIB_SRC:%.c=$(B)/fuzzobj/%.o) $(GEN_SRC:%.c=$(B)/fuzzobj/%.o)
$(B)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
$(B)/libanycast-fuzz.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(B)/fuzz/%: tests/fuzz/%.c $(B)/libanycast-fuzz.a
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(B)/libanycast-fuzz.a $(LDLIBS)
fuzz: $(FUZZ_BINS)

deps:
	sh scripts/deps.sh

# Style: docs/STYLE.md, .clang-format. The lab's world map and city list are data tables laid
# out by hand, many numbers to a line; clang-format would put one to a line, so they are left out.
FORMAT_EXCLUDE := src/lab/worldmap.c src/lab/cities.c
FORMAT_FILES = $(filter-out $(FORMAT_EXCLUDE),$(sort $(wildcard src/*/*.c src/*/*.h \
	tests/unit/*.c tests/unit/*.h tests/fuzz/*.c)))
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run -Werror $(FORMAT_FILES)

# No dependency cycle between the files of a module (file A depends on B when A's object uses
# a symbol B's object defines), in every module of src/.
CYCLE_MODULES := $(sort $(notdir $(patsubst %/,%,$(dir $(LIB_SRC)))))
cycles: $(filter $(CYCLE_MODULES:%=$(B)/obj/src/%/%),$(LIB_OBJ))
	python3 scripts/depcycles.py $(CYCLE_MODULES:%=$(B)/obj/src/%)

# The decision process's mutants (tests/mutants/*.patch) must each fail a unit test.
mutants:
	sh scripts/mutants.sh

check: deps format-check all unit unit-san fuzz cycles
	sh tests/run.sh

# The lab demo: the seed's anycast Internet, measured, with an HTML report beside the build.
demo: deps all
	build/anycast lab demo --report $(B)/demo-report.html
	@echo "report: $(B)/demo-report.html"

# The first demo: anycastd announcing a service to BIRD in two namespaces.
demo-bird: deps all
	sh examples/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(B)/anycastd $(B)/anycast-dns $(DESTDIR)$(PREFIX)/sbin/
	install -m 755 $(B)/anycast $(DESTDIR)$(PREFIX)/bin/
	for m in docs/*.1; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done; true
	for m in docs/*.5; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man5/; done; true
	for m in docs/*.8; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man8/; done; true
	install -d $(DESTDIR)$(PREFIX)/share/anycast/lab
	install -m 644 examples/lab/*.yaml $(DESTDIR)$(PREFIX)/share/anycast/lab/

clean:
	rm -rf $(B)

.SECONDARY:
-include $(shell find $(B) -name '*.d' 2>/dev/null)
