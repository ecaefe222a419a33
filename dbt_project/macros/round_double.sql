{#
    Round a DOUBLE expression to `digits` decimals, keeping it DOUBLE. DuckDB rounds a double
    directly; PostgreSQL has round(numeric, int) only, so it goes through numeric and back.
#}
{% macro round_double(expression, digits) -%}
    {{ return(adapter.dispatch('round_double')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_double(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_double(expression, digits) -%}
    cast(round(cast({{ expression }} as numeric), {{ digits }}) as double precision)
{%- endmacro %}
