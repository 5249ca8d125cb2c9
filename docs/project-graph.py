#!/usr/bin/env python3
"""Prints the solution's project graph from the ProjectReferences of every csproj, as a Mermaid graph and as an
indented list, checks that it has no cycles and that the durable-task provider references no Vinted project.

    python3 docs/project-graph.py              the graph as the csproj files say today
    python3 docs/project-graph.py --incoming   with the two projects that are landing (see docs/architecture.md)

Written once to produce docs/architecture.md; run it again when a reference changes and paste its output there.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
REF = re.compile(r'<ProjectReference\s+Include="([^"]+)"')


def read_graph():
    graph = {}
    for csproj in sorted(ROOT.glob("*/*/*.csproj")):
        refs = {pathlib.PurePath(r.replace("\\", "/")).stem for r in REF.findall(csproj.read_text())}
        graph[csproj.stem] = {"folder": csproj.parent.parent.name, "refs": refs}
    return graph


def apply_incoming(graph):
    # The provider renamed (no Vinted in its name) with a test project of its own; S3 and Azure Blob behind one
    # object-store project, which Lake and PriceModel use instead of referencing RawZone for its S3 client.
    old, new = "Vinted.DurableTask.PostgreSql", "DurableTask.PostgreSql"
    if old in graph:
        graph[new] = graph.pop(old)
    for node in graph.values():
        if old in node["refs"]:
            node["refs"] = (node["refs"] - {old}) | {new}
    graph.setdefault("DurableTask.PostgreSql.Tests", {"folder": "tests", "refs": {new}})
    if "Vinted.Tests" in graph:  # the provider's unit tests move to its own test project
        graph["Vinted.Tests"]["refs"].discard(new)
    graph.setdefault("Vinted.ObjectStore", {"folder": "shared", "refs": {"Vinted.Settings"}})
    graph["Vinted.RawZone"]["refs"] |= {"Vinted.ObjectStore"}
    for name in ("Vinted.Lake", "Vinted.PriceModel"):
        graph[name]["refs"] = (graph[name]["refs"] - {"Vinted.RawZone"}) | {"Vinted.ObjectStore"}


def layers(graph):
    """Topological layers, bottom (no references) first; raises on a cycle."""
    depth, visiting = {}, set()

    def visit(name):
        if name in depth:
            return depth[name]
        if name in visiting:
            raise SystemExit(f"cycle through {name}")
        visiting.add(name)
        depth[name] = 1 + max((visit(r) for r in graph[name]["refs"]), default=-1)
        visiting.discard(name)
        return depth[name]

    for name in graph:
        visit(name)
    return depth


def main():
    graph = read_graph()
    if "--incoming" in sys.argv:
        apply_incoming(graph)
    depth = layers(graph)
    order = sorted(graph, key=lambda n: (-depth[n], graph[n]["folder"] != "functions", n))
    product = [n for n in order if graph[n]["folder"] != "tests"]

    def node(name):
        return name.replace(".", "_")

    print("```mermaid\ngraph TD")
    for name in product:
        print(f"    {node(name)}[{name}]")
    for name in product:
        for ref in sorted(graph[name]["refs"], key=lambda r: (-depth[r], r)):
            print(f"    {node(name)} --> {node(ref)}")
    print("```\n")

    print("```")
    printed = set()

    def tree(name, indent):
        again = name in printed and graph[name]["refs"]
        print(f"{'  ' * indent}{name}{' (above)' if again else ''}")
        if again:
            return
        printed.add(name)
        for ref in sorted(graph[name]["refs"], key=lambda r: (-depth[r], r)):
            tree(ref, indent + 1)

    for host in [n for n in product if graph[n]["folder"] == "functions"]:
        tree(host, 0)
    print("```\n")

    print("| test project | references |\n| --- | --- |")
    for name in sorted(n for n in graph if graph[n]["folder"] == "tests"):
        print(f"| {name} | {', '.join(sorted(graph[name]['refs'])) or '-'} |")
    print()

    provider = next(n for n in graph if n.endswith("DurableTask.PostgreSql"))
    vinted = sorted(r for r in graph[provider]["refs"] if r.startswith("Vinted."))
    print(f"projects: {len(graph)}; cycles: none; layers: {max(depth.values()) + 1}; "
          f"{provider} references: {', '.join(sorted(graph[provider]['refs'])) or 'nothing'}"
          f"{'; Vinted references: ' + ', '.join(vinted) if vinted else ''}")


main()
