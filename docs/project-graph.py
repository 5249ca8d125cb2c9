#!/usr/bin/env python3
"""Prints the solution's project graph from the ProjectReferences of every csproj, as a Mermaid graph and as an
indented list, checks that it has no cycles and that the durable-task provider references no Vinted project.

    python3 docs/project-graph.py

Written once to produce docs/architecture.md; run it again when a reference changes and paste its output there.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
REF = re.compile(r'<ProjectReference\s+Include="([^"]+)"')


def read_graph():
    graph = {}
    for csproj in sorted(ROOT.glob("*/*/*.csproj")):
        refs = {pathlib.PurePath(r.replace("\\", "/")).stem for r in REF.findall(csproj.read_text())}
        graph[csproj.stem] = {"folder": csproj.parent.parent.name, "refs": refs}
    return graph


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
