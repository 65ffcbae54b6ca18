"""Funders' read-only dashboards, published bilans and the dashboard's JSON API.

- `scope.figure_rights(user)`: the one gate; which teams and communes a user may see figures of.
- `builders.build_dashboard`: the bilan's builders over a scope and a period, plus presence by month.
- `masking.mask`: small-cell protection (« ≤ 2 » and secondary suppression « s »), pure functions.
- `publishing.published_bilan_create`: a coordinator freezes a bilan (figures, texts, HTML, PDF, XLSX).
- `api`: the JSON endpoint (session or `Authorization: Token …`) and the funders' API keys.
- `views`, `urls` (namespace `funders`, mounted at /financeurs/).
"""
