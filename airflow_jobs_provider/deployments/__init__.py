"""Deployments as data: the spec model (``spec``), its rules and catalogs, and the spec store (``store``).

A deployment is one validated YAML file in the specs folder; the DAG generator turns each into a
DAG. Import from the modules themselves: ``spec.validate_spec``, ``store.SpecStore``.
"""
