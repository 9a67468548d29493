#!/usr/bin/env python3
"""Dependency cycles between the files of a module, from the symbols their objects use.

File A depends on file B (both in the same module directory) when A's object file has an
undefined symbol that B's object file defines (`nm`). A cycle is a strongly connected set of
two or more files. Usage:

    scripts/depcycles.py [--graph] build/obj/src/bgp [build/obj/src/lab ...]

Prints every cycle per module (and with --graph every edge with the symbols behind it); exits 1
when any module has a cycle, 0 otherwise. `make check` runs it on every module of src/.
"""
import os
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", obj], check=True, capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRVWC" and parts[1].isupper():
            defined.add(parts[2])
    return defined, undefined


def sccs(nodes, edges):
    """Tarjan's strongly connected components, iterative."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def module(directory, show_graph):
    objs = sorted(f for f in os.listdir(directory) if f.endswith(".o"))
    # An object whose source is gone (a file renamed or removed since the last build) would
    # report edges that no longer exist: build/obj/src/lab/x.o stands for src/lab/x.c.
    marker = "/obj/"
    full = os.path.abspath(directory)
    if marker in full:
        srcdir = full.split(marker, 1)[1]
        objs = [o for o in objs if os.path.exists(os.path.join(srcdir, o[:-2] + ".c"))]
    if not objs:
        print(f"{directory}: no object files (build first)", file=sys.stderr)
        return 2
    defs, uses = {}, {}
    for o in objs:
        d, u = symbols(os.path.join(directory, o))
        name = o[:-2] + ".c"
        defs[name], uses[name] = d, u
    owner = {s: f for f, ds in defs.items() for s in ds}
    edges = {}
    for f, us in uses.items():
        for s in us:
            g = owner.get(s)
            if g and g != f:
                edges.setdefault(f, {}).setdefault(g, []).append(s)
    mod = os.path.basename(directory.rstrip("/"))
    if show_graph:
        for f in sorted(edges):
            for g in sorted(edges[f]):
                print(f"{mod}: {f} -> {g}  ({', '.join(sorted(edges[f][g])[:4])}"
                      f"{', ...' if len(edges[f][g]) > 4 else ''})")
    cycles = [c for c in sccs(sorted(defs), edges) if len(c) > 1]
    for c in cycles:
        print(f"{mod}: cycle: {' <-> '.join(c)}")
        for f in c:
            for g in sorted(edges.get(f, {})):
                if g in c:
                    print(f"    {f} -> {g}: {', '.join(sorted(edges[f][g])[:6])}")
    if not cycles:
        print(f"{mod}: {len(defs)} files, {sum(len(v) for v in edges.values())} edges, no cycle")
    return 1 if cycles else 0


def main(argv):
    show = "--graph" in argv
    dirs = [a for a in argv if a != "--graph"]
    if not dirs:
        print(__doc__, file=sys.stderr)
        return 2
    return max(module(d, show) for d in dirs)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
