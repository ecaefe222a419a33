{#
    Use a node's custom schema verbatim (`staging`, `marts`, `seeds`) instead of dbt's default
    `<target_schema>_<custom_schema>`. The DuckDB warehouse is one file per build, so there is no
    shared database where developers could overwrite each other's schemas.
    Nodes without a custom schema fall back to the target schema (`main` for DuckDB).
    $GWR_DBT_SCHEMA_SUFFIX (empty by default) is appended to custom schemas: the PostgreSQL
    refresh builds into `staging__build`, `marts__build`, `seeds__build` and swaps them in at
    publication (flows/postgres_publish.py).
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}{{ env_var('GWR_DBT_SCHEMA_SUFFIX', '') }}
    {%- endif -%}
{%- endmacro %}
