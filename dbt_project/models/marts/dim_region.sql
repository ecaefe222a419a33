-- One row per region name: every name of the gazetteer (seeds.regions) plus every region named in
-- the raw layer that the gazetteer lacks (townships, farms, zones: 东风农场).
--
-- * A name the gazetteer holds once is that gazetteer row.
-- * A name it holds several times (朝阳区 in 北京市 and 长春市) is the candidate whose code the
--   parser gave it (raw.documents/raw.facts.region_code, chosen in each report's context by
--   ingestion/parse/codes.py) when every report naming it points to the same one; otherwise
--   (none resolved, or two places of the name in the corpus) the row keeps the name with adcode,
--   parent and (unless all candidates share it) province NULL: the facts carry their own codes.
--   n_gazetteer_matches tells the two apart.
-- * A name the gazetteer lacks is a 'sub_unit' (in_gazetteer false) whose parent is the region
--   of the report naming it (the most frequent one when several do) and whose province is that
--   parent's province.

with

gazetteer as (

    select * from {{ ref('regions') }}

),

documents as (

    select * from {{ ref('int_documents_published') }}

),

facts as (

    select * from {{ ref('int_facts_published') }}

),

gazetteer_with_matches as (

    select
        *,
        count(*) over (partition by region) as n_gazetteer_matches

    from gazetteer

),

unique_names as (

    select *
    from gazetteer_with_matches
    where n_gazetteer_matches = 1

),

-- every mention of a region in the raw layer, with the region of the report that mentions it
raw_mentions as (

    select
        region,
        cast(null as varchar) as reporting_region

    from documents
    where region is not null

    union all

    select
        facts.region,
        nullif(documents.region, facts.region) as reporting_region

    from facts
    left join documents
        on facts.document_id = documents.document_id
    where facts.region is not null

),

ambiguous_candidates as (

    select *
    from gazetteer_with_matches
    where n_gazetteer_matches > 1

),

-- the codes the parser gave a repeated name, in the documents and facts that name it
codes_named as (

    select distinct region, region_code from documents where region_code is not null
    union
    select distinct region, region_code from facts where region_code is not null

),

codes_per_name as (

    select
        ambiguous_candidates.region,
        min(ambiguous_candidates.adcode) as adcode,
        count(distinct ambiguous_candidates.adcode) as n_codes

    from ambiguous_candidates
    inner join codes_named
        on ambiguous_candidates.region = codes_named.region
        and ambiguous_candidates.adcode = codes_named.region_code
    group by ambiguous_candidates.region

),

resolved_ambiguous as (

    select ambiguous_candidates.*
    from ambiguous_candidates
    inner join codes_per_name
        on ambiguous_candidates.adcode = codes_per_name.adcode
    where codes_per_name.n_codes = 1

),

unresolved_ambiguous as (

    select
        region,
        min(short_name) as short_name,
        min(level) as level,
        case when count(distinct province) = 1 then min(province) end as province,
        case when count(distinct parent_region) = 1 then min(parent_region) end as parent_region,
        cast(null as varchar) as adcode,
        max(n_gazetteer_matches) as n_gazetteer_matches

    from ambiguous_candidates
    where region not in (select region from resolved_ambiguous)
    group by region

),

gazetteer_regions as (

    select
        region, short_name, level, province, parent_region, adcode,
        true as in_gazetteer, n_gazetteer_matches
    from unique_names

    union all

    select
        region, short_name, level, province, parent_region, adcode,
        true as in_gazetteer, n_gazetteer_matches
    from resolved_ambiguous

    union all

    select
        region, short_name, level, province, parent_region, adcode,
        true as in_gazetteer, n_gazetteer_matches
    from unresolved_ambiguous

),

unknown_region_mentions as (

    select
        raw_mentions.region,
        raw_mentions.reporting_region,
        count(*) as n_mentions

    from raw_mentions
    left join gazetteer_regions
        on raw_mentions.region = gazetteer_regions.region
    where gazetteer_regions.region is null
    group by raw_mentions.region, raw_mentions.reporting_region

),

ranked_parents as (

    select
        region,
        reporting_region,
        row_number() over (
            partition by region
            order by reporting_region is null, n_mentions desc, reporting_region
        ) as parent_order

    from unknown_region_mentions

),

unknown_region_parent as (

    select
        region,
        reporting_region as parent_region

    from ranked_parents
    where parent_order = 1

),

sub_units as (

    select
        unknown_region_parent.region,
        unknown_region_parent.region as short_name,
        'sub_unit' as level,
        parent.province,
        unknown_region_parent.parent_region,
        cast(null as varchar) as adcode,
        false as in_gazetteer,
        0 as n_gazetteer_matches

    from unknown_region_parent
    left join gazetteer_regions as parent
        on unknown_region_parent.parent_region = parent.region

),

unioned as (

    select * from gazetteer_regions
    union all
    select * from sub_units

),

final as (

    select
        cast(region as varchar) as region,
        cast(short_name as varchar) as short_name,
        cast(level as varchar) as level,
        cast(province as varchar) as province,
        cast(parent_region as varchar) as parent_region,
        cast(adcode as varchar) as adcode,
        cast(in_gazetteer as boolean) as in_gazetteer,
        cast(n_gazetteer_matches as integer) as n_gazetteer_matches

    from unioned

)

select * from final
