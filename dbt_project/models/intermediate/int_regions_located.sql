-- Every region of the gazetteer (seeds.regions) with the regions above it, by code: its parent,
-- its prefecture and its province. The prefecture of a prefecture-level region is itself, of a
-- county its parent when that is prefecture-level; the districts of a municipality (北京市朝阳区)
-- and the counties a province governs directly (仙桃市) have none, nor has a province.

with

regions as (

    select * from {{ ref('regions') }}

),

provinces as (

    select * from regions where level = 'province'

),

with_parent as (

    select
        regions.*,
        parent.adcode as parent_code,
        parent.level as parent_level,
        provinces.adcode as province_code

    from regions
    left join regions as parent
        on regions.parent_region = parent.region
        and regions.province = parent.province
    left join provinces
        on regions.province = provinces.region

),

final as (

    select
        cast(adcode as varchar) as region_code,
        cast(region as varchar) as region,
        cast(short_name as varchar) as short_name,
        cast(level as varchar) as region_level,
        cast(province as varchar) as province,
        cast(province_code as varchar) as province_code,
        cast(parent_region as varchar) as parent_region,
        cast(parent_code as varchar) as parent_code,
        cast(case
            when level = 'prefecture' then region
            when level = 'county' and parent_level = 'prefecture' then parent_region
        end as varchar) as prefecture,
        cast(case
            when level = 'prefecture' then adcode
            when level = 'county' and parent_level = 'prefecture' then parent_code
        end as varchar) as prefecture_code

    from with_parent

)

select * from final
