{#
    Use a node's custom schema verbatim (`staging`, `marts`, `seeds`) instead of dbt's default
    `<target_schema>_<custom_schema>`. The warehouse is one DuckDB file per build, so there is no
    shared database where developers could overwrite each other's schemas.
    Nodes without a custom schema fall back to the target schema (`main` for DuckDB).
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
